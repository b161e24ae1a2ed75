//! HK Auto Debit (the v1 envelope, SHA1withRSA): an agreement per user and merchant, made when
//! `autoDebitApplyToken` exchanges an authorisation code (the same codes the header
//! `applyToken` takes, spent once) and ended by `autoDebitCancelByAuthInfo`, which revokes
//! every token issued under it. `autoDebitRefund` and `autoDebitPayCancel` act on the
//! payments the gateway holds (`payments.rs`), named by AlipayHK's ID (`acquirementId`, the
//! payment's `paymentId`) or the merchant's (`merchantTransId`, its `paymentRequestId`).
//!
//! No stored page reaches these responses or says how the merchant's agreement ID is set, so
//! the sandbox reads `merchantAgreementId` from the token request's open fields (making one
//! when it is absent) and answers it as an open field of the token response.

use alipayhk::runtime::server::failure;
use alipayhk::*;

use crate::payments::minor_units;
use crate::records::{Agreement, PaymentState};
use crate::state::{Gateway, lock, success};
use crate::tokens::{ACCESS_TOKEN_EXPIRY, REFRESH_TOKEN_EXPIRY};

/// The open field that names the merchant's agreement, on the token request and its answer.
const AGREEMENT_FIELD: &str = "merchantAgreementId";

impl Gateway {
    /// The HK Auto Debit agreement `merchant_agreement_id` of `auth_merchant_id`, as it is now.
    pub fn agreement(
        &self,
        auth_merchant_id: &str,
        merchant_agreement_id: &str,
    ) -> Option<Agreement> {
        lock(&self.agreements)
            .get(&(
                auth_merchant_id.to_owned(),
                merchant_agreement_id.to_owned(),
            ))
            .cloned()
    }

    pub(crate) fn exchange_auto_debit_token(
        &self,
        request: &AutoDebitApplyTokenRequest,
    ) -> Result<AutoDebitApplyTokenResponse, ResultInfo> {
        let merchant = request.auth_merchant_id.to_string();
        let (user_id, agreement_id) = match request.grant_type {
            AutoDebitApplyTokenGrantType::AuthorizationCode => {
                let named = match request.other_fields.get(AGREEMENT_FIELD) {
                    None => None,
                    Some(serde_json::Value::String(id)) if !id.is_empty() && id.len() <= 32 => {
                        Some(id.clone())
                    }
                    Some(_) => {
                        return Err(failure(
                            "PARAM_ILLEGAL",
                            "merchantAgreementId is a string of 1 to 32 characters",
                        ));
                    }
                };
                if let Some(id) = &named
                    && self.agreement(&merchant, id).is_some_and(|a| !a.cancelled)
                {
                    return Err(failure(
                        "PROCESS_FAIL",
                        "this merchantAgreementId names an agreement in force",
                    ));
                }
                let code = request.auth_code.as_deref().unwrap_or_default();
                let user_id = self.redeem_auth_code(code)?;
                let id = named.unwrap_or_else(|| format!("AGR{}", &self.next_id()[19..]));
                (user_id, id)
            }
            AutoDebitApplyTokenGrantType::RefreshToken => {
                let token = request.refresh_token.as_deref().unwrap_or_default();
                let user_id = self.refresh_token_user(token)?;
                // A refresh renews the agreement that issued the token, and only for its
                // merchant: a header applyToken's refresh token names no agreement.
                let agreements = lock(&self.agreements);
                let Some(((_, id), _)) = agreements
                    .iter()
                    .find(|((m, _), a)| *m == merchant && a.tokens.iter().any(|t| t == token))
                else {
                    return Err(failure(
                        "PROCESS_FAIL",
                        "this refresh token belongs to no auto-debit agreement of the merchant",
                    ));
                };
                (user_id, id.clone())
            }
        };
        let (access, refresh) = self.grant_tokens(&user_id);
        let mut agreements = lock(&self.agreements);
        let agreement = agreements
            .entry((merchant, agreement_id.clone()))
            .or_insert_with(|| Agreement {
                user_id: user_id.clone(),
                tokens: Vec::new(),
                cancelled: false,
            });
        if agreement.cancelled {
            // A new binding under the ID of a cancelled one: a fresh agreement.
            *agreement = Agreement {
                user_id,
                tokens: Vec::new(),
                cancelled: false,
            };
        }
        agreement.tokens.extend([access.clone(), refresh.clone()]);
        let info = AutoDebitApplyTokenAccessTokenInfo::new()
            .access_token(access)
            .expires_in(ACCESS_TOKEN_EXPIRY)
            .refresh_token(refresh)
            .re_expires_in(REFRESH_TOKEN_EXPIRY)
            .token_status("ACTIVE");
        Ok(AutoDebitApplyTokenResponse::new(success())
            .access_token_info(info)
            .other_field(AGREEMENT_FIELD, agreement_id))
    }

    pub(crate) fn cancel_agreement(
        &self,
        request: &AutoDebitCancelByAuthInfoRequest,
    ) -> Result<AutoDebitCancelByAuthInfoResponse, ResultInfo> {
        let key = (
            request.auth_merchant_id.to_string(),
            request.merchant_agreement_id.clone(),
        );
        let mut agreements = lock(&self.agreements);
        let Some(agreement) = agreements.get_mut(&key) else {
            // PARAM_ILLEGAL: the only F code the page's family gives for a request that
            // names nothing the gateway holds.
            return Err(failure(
                "PARAM_ILLEGAL",
                "no agreement of this merchant has this merchantAgreementId",
            ));
        };
        // Cancelling a cancelled agreement answers S again: it is as the merchant asked.
        agreement.cancelled = true;
        self.revoke_tokens(&agreement.tokens);
        Ok(AutoDebitCancelByAuthInfoResponse::new(success()))
    }

    pub(crate) fn refund_auto_debit(
        &self,
        request: &AutoDebitRefundRequest,
    ) -> Result<AutoDebitRefundResponse, ResultInfo> {
        let value = minor_units(&request.refund_amount)?;
        let mut payments = self.payments_now();
        let Some(payment) = payments
            .values_mut()
            .find(|p| p.payment_id == request.acquirement_id)
        else {
            return Err(failure(
                "ORDER_NOT_EXIST",
                "no payment has this acquirementId",
            ));
        };
        // An identical re-send is answered from the replay record (`state.rs`) before it gets
        // here; a different refund under a used merchantRefundId is refused.
        if payment.refunds.contains_key(&request.merchant_refund_id) {
            return Err(failure(
                "PROCESS_FAIL",
                "this merchantRefundId refunded another request",
            ));
        }
        match payment.state {
            PaymentState::Cancelled => {
                return Err(failure("PROCESS_FAIL", "the payment was cancelled"));
            }
            PaymentState::Processing => {
                return Err(failure(
                    "PROCESS_FAIL",
                    "the payment is still in process: nothing was paid to refund yet",
                ));
            }
            PaymentState::Paid => {}
        }
        if payment.refunded + value > payment.amount {
            return Err(failure(
                "REFUND_AMOUNT_EXCEED",
                format!(
                    "{} of {} is refunded already; {value} more exceeds the payment",
                    payment.refunded, payment.amount
                ),
            ));
        }
        payment.refunded += value;
        payment
            .refunds
            .insert(request.merchant_refund_id.clone(), (self.next_id(), value));
        Ok(AutoDebitRefundResponse::new(success()))
    }

    pub(crate) fn cancel_auto_debit_payment(
        &self,
        request: &AutoDebitPayCancelRequest,
    ) -> Result<AutoDebitPayCancelResponse, ResultInfo> {
        let by_acquirement = request.acquirement_id.as_deref().map(|id| {
            self.payments_now()
                .iter()
                .find(|(_, p)| p.payment_id == id)
                .map(|(request_id, _)| request_id.clone())
        });
        let request_id = match (by_acquirement, request.merchant_trans_id.as_deref()) {
            (Some(Some(found)), Some(named)) if found != named => {
                return Err(failure(
                    "PARAM_ILLEGAL",
                    "acquirementId and merchantTransId name different payments",
                ));
            }
            (Some(Some(found)), _) => found,
            // AlipayHK's ID names a payment AlipayHK made: one it never made is an error.
            (Some(None), _) => {
                return Err(failure("PROCESS_FAIL", "no payment has this acquirementId"));
            }
            // The merchant's own ID: a payment never made is cancelled too (it never will be).
            (None, Some(named)) => named.to_owned(),
            (None, None) => {
                return Err(failure(
                    "PARAM_ILLEGAL",
                    "acquirementId or merchantTransId is required",
                ));
            }
        };
        // The same state machine as cancelPayment: the day's payments, whatever they reached.
        self.cancel_payment_by_request_id(&request_id)?;
        Ok(AutoDebitPayCancelResponse::new(success()))
    }
}
