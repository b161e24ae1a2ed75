//! applyToken: authorisation codes the gateway issued, each good within ten minutes (as the
//! page says) and for one exchange (no page says so: the spec treats applyToken as not
//! idempotent, and a code that could be exchanged again would make a re-send safe), and the
//! refresh tokens it handed out; and inquriyUserInfo, the eKYC information of the user an
//! access token stands for.

use std::time::{Duration, Instant};

use alipayhk::runtime::server::failure;
use alipayhk::{
    ApplyTokenGrantType, ApplyTokenRequest, ApplyTokenResponse, InquriyUserInfoRequest,
    InquriyUserInfoResponse, ResultInfo,
};

use crate::records::{AUTH_CODE_LIFETIME, AuthCode};
use crate::state::{Gateway, lock, success};

/// When the gateway's tokens expire: never, within a test's life.
pub(crate) const ACCESS_TOKEN_EXPIRY: &str = "2099-01-01T00:00:00+08:00";
pub(crate) const REFRESH_TOKEN_EXPIRY: &str = "2099-12-31T00:00:00+08:00";

impl Gateway {
    /// Issues an authorisation code for `user_id`, as `my.getAuthCode` would in the mini-app.
    /// The user becomes one the gateway knows (with no A. Points, if new).
    pub fn issue_auth_code(&self, user_id: &str) -> String {
        self.add_user(user_id);
        let code = format!("AUTH{}", self.next_id());
        lock(&self.auth_codes).insert(
            code.clone(),
            AuthCode {
                user_id: user_id.to_owned(),
                issued: Instant::now(),
                used: false,
            },
        );
        code
    }

    /// Ages an issued code past its lifetime.
    pub fn expire_auth_code(&self, code: &str) {
        if let Some(auth) = lock(&self.auth_codes).get_mut(code) {
            auth.issued = Instant::now()
                .checked_sub(AUTH_CODE_LIFETIME + Duration::from_secs(1))
                .unwrap_or(auth.issued);
        }
    }

    /// Spends an authorisation code the gateway issued: the user it stands for, once, within
    /// its lifetime. Both applyTokens (the header one and HK Auto Debit's) redeem codes here.
    pub(crate) fn redeem_auth_code(&self, code: &str) -> Result<String, ResultInfo> {
        let mut codes = lock(&self.auth_codes);
        let Some(auth) = codes.get_mut(code).filter(|a| !a.used) else {
            return Err(failure(
                "INVALID_AUTHCODE",
                "unknown or used authorisation code",
            ));
        };
        if auth.issued.elapsed() > AUTH_CODE_LIFETIME {
            return Err(failure(
                "AUTH_CODE_EXPIRED",
                "the authorisation code expired",
            ));
        }
        auth.used = true;
        Ok(auth.user_id.clone())
    }

    /// The user a refresh token the gateway issued (and has not revoked) stands for.
    pub(crate) fn refresh_token_user(&self, token: &str) -> Result<String, ResultInfo> {
        lock(&self.refresh_tokens)
            .get(token)
            .cloned()
            .ok_or_else(|| failure("PROCESS_FAIL", "unknown refresh token"))
    }

    /// A new access token and refresh token for `user_id`, in that order.
    pub(crate) fn grant_tokens(&self, user_id: &str) -> (String, String) {
        let refresh = format!("RT{}", self.next_id());
        lock(&self.refresh_tokens).insert(refresh.clone(), user_id.to_owned());
        let access = format!("AT{}", self.next_id());
        lock(&self.access_tokens).insert(access.clone(), user_id.to_owned());
        (access, refresh)
    }

    /// Makes `tokens` (access or refresh tokens) unusable.
    pub(crate) fn revoke_tokens(&self, tokens: &[String]) {
        let mut access = lock(&self.access_tokens);
        let mut refresh = lock(&self.refresh_tokens);
        for token in tokens {
            access.remove(token);
            refresh.remove(token);
        }
    }

    pub(crate) fn exchange_token(
        &self,
        request: &ApplyTokenRequest,
    ) -> Result<ApplyTokenResponse, ResultInfo> {
        let user_id = match request.grant_type {
            ApplyTokenGrantType::AuthorizationCode => {
                self.redeem_auth_code(request.auth_code.as_deref().unwrap_or_default())?
            }
            ApplyTokenGrantType::RefreshToken => {
                self.refresh_token_user(request.refresh_token.as_deref().unwrap_or_default())?
            }
        };
        let (access, refresh) = self.grant_tokens(&user_id);
        Ok(ApplyTokenResponse::new(success())
            .customer_id(format!("C{user_id}"))
            .access_token(access)
            .access_token_expiry_time(ACCESS_TOKEN_EXPIRY)
            .refresh_token(refresh)
            .refresh_token_expiry_time(REFRESH_TOKEN_EXPIRY))
    }

    /// The eKYC information the gateway holds for the user of an access token. The page hides
    /// `userInfo`'s fields, so the sandbox answers what Alipay's global `inquiryUserInfo`
    /// names: `userId` and a masked `userLoginId`.
    pub(crate) fn describe_user(
        &self,
        request: &InquriyUserInfoRequest,
    ) -> Result<InquriyUserInfoResponse, ResultInfo> {
        if request.access_token.trim().is_empty() {
            return Err(failure("PARAM_ILLEGAL", "accessToken is required"));
        }
        let Some(user_id) = lock(&self.access_tokens)
            .get(&request.access_token)
            .cloned()
        else {
            return Err(failure(
                "INVALID_TOKEN",
                "the gateway issued no such access token",
            ));
        };
        if self.points_of(&user_id).is_none() {
            return Err(failure("USER_NOT_EXIST", "the token's user is gone"));
        }
        let from = user_id.char_indices().rev().nth(3).map_or(0, |(at, _)| at);
        let tail = &user_id[from..];
        let info = std::collections::BTreeMap::from([
            (
                "userId".to_owned(),
                serde_json::Value::from(user_id.clone()),
            ),
            (
                "userLoginId".to_owned(),
                serde_json::Value::from(format!("852****{tail}")),
            ),
        ]);
        Ok(InquriyUserInfoResponse::new(success()).user_info(info))
    }
}
