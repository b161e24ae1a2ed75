//! A. Points: a balance per user. `benefitIssue` adds, `benefitRedeem` spends and refuses more
//! than the balance, `userPromoBenefitQuery` reads the balance of the user an access token
//! (from `applyToken`) stands for. Issue and redeem each act once per `bizNo`.

use alipayhk::runtime::server::failure;
use alipayhk::{
    AccountBenefitModel, BenefitIssueRequest, BenefitIssueResponse, BenefitRedeemRequest,
    BenefitRedeemResponse, ResultInfo, UserPromoBenefitQueryRequest, UserPromoBenefitQueryResponse,
};

use crate::state::{Gateway, lock, success};

impl Gateway {
    /// Makes `user_id` a user the gateway knows, with no points.
    pub fn add_user(&self, user_id: &str) {
        lock(&self.points).entry(user_id.to_owned()).or_insert(0);
    }

    /// The A. Points `user_id` holds, if the gateway knows the user.
    pub fn points_of(&self, user_id: &str) -> Option<u64> {
        lock(&self.points).get(user_id).copied()
    }

    /// A `bizNo` an earlier, different request of `operation` used: a re-send of the same
    /// request is answered from the replay record before it gets here.
    fn reused(&self, operation: &str, biz_no: &str) -> bool {
        !lock(&self.biz_nos).insert((operation.to_owned(), biz_no.to_owned()))
    }

    pub(crate) fn issue_points(
        &self,
        request: &BenefitIssueRequest,
    ) -> Result<BenefitIssueResponse, ResultInfo> {
        let (Some(biz_no), Some(amount)) = (&request.biz_no, request.amount) else {
            return Err(failure(
                "PARAMETER_ILLEGAL",
                "bizNo and amount are required",
            ));
        };
        let amount = u64::try_from(amount)
            .ok()
            .filter(|a| *a > 0)
            .ok_or_else(|| failure("PARAMETER_ILLEGAL", "amount must be positive"))?;
        let Some(user_id) = request.provider_user_info.user_id.as_ref() else {
            return Err(failure(
                "PARAMETER_ILLEGAL",
                "providerUserInfo.userId is required",
            ));
        };
        let user_id = user_id.as_str();
        let mut points = lock(&self.points);
        let Some(balance) = points.get_mut(user_id) else {
            return Err(failure("USER_NOT_EXIST", "the gateway knows no such user"));
        };
        if self.reused("issue", biz_no) {
            return Err(failure(
                "REPEAT_REQ_INCONSISTENT",
                "this bizNo issued other points",
            ));
        }
        *balance = balance.saturating_add(amount);
        Ok(BenefitIssueResponse::new(success()))
    }

    pub(crate) fn redeem_points(
        &self,
        request: &BenefitRedeemRequest,
    ) -> Result<BenefitRedeemResponse, ResultInfo> {
        let Some(amount) = request.amount.and_then(|a| u64::try_from(a).ok()) else {
            return Err(failure("PARAMETER_ILLEGAL", "amount is required"));
        };
        let user_id = request.ip_role_id.as_str();
        if amount == 0 || !user_id.starts_with("2160") {
            return Err(failure(
                "PARAMETER_ILLEGAL",
                "amount must be positive, and ipRoleId an AlipayHK user ID (2160...)",
            ));
        }
        let mut points = lock(&self.points);
        let Some(balance) = points.get_mut(user_id) else {
            return Err(failure("USER_NOT_EXIST", "the gateway knows no such user"));
        };
        if *balance < amount {
            return Err(failure(
                "POINTS_NOT_ENOUGH",
                format!("the user holds {balance} A. Points"),
            ));
        }
        if self.reused("redeem", &request.biz_no) {
            return Err(failure(
                "REPEAT_REQ_INCONSISTENT",
                "this bizNo redeemed other points",
            ));
        }
        *balance -= amount;
        Ok(BenefitRedeemResponse::new(success()))
    }

    pub(crate) fn read_points(
        &self,
        request: &UserPromoBenefitQueryRequest,
    ) -> Result<UserPromoBenefitQueryResponse, ResultInfo> {
        let Some(user_id) = lock(&self.access_tokens)
            .get(&request.access_token)
            .cloned()
        else {
            return Err(failure(
                "ACCESSTOKEN_VALIDATE_FAILED",
                "the gateway issued no such access token",
            ));
        };
        let Some(balance) = self.points_of(&user_id) else {
            return Err(failure("USER_NOT_EXIST", "the token's user is gone"));
        };
        let model = AccountBenefitModel::new()
            .benefit_product_code("POINT")
            .available_amount(i64::try_from(balance).unwrap_or(i64::MAX));
        Ok(UserPromoBenefitQueryResponse::new(success()).account_benefit_model(model))
    }
}
