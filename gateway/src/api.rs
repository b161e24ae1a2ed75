//! The `alipayhk::platform::Api` implementation: each endpoint's scripted result or replay
//! first (`state.rs`), then its behaviour. The behaviour methods are named for what they do,
//! not after the trait's methods, so a call never means the other one.

use alipayhk::*;

use crate::state::Gateway;

type Answer<R> = Result<R, ResultInfo>;

impl alipayhk::platform::Api for Gateway {
    async fn create_pass(&self, request: CreatePassRequest) -> Answer<CreatePassResponse> {
        self.serve(request, CreatePassResponse::new, |r| self.open_pass(r))
    }

    async fn update_pass(&self, request: UpdatePassRequest) -> Answer<UpdatePassResponse> {
        self.serve(request, UpdatePassResponse::new, |r| {
            self.apply_pass_update(r)
        })
    }

    async fn create_template(
        &self,
        request: CreateTemplateRequest,
    ) -> Answer<CreateTemplateResponse> {
        self.serve(request, CreateTemplateResponse::new, |r| {
            self.register_template(r)
        })
    }

    async fn update_template(
        &self,
        request: UpdateTemplateRequest,
    ) -> Answer<UpdateTemplateResponse> {
        self.serve(request, UpdateTemplateResponse::new, |r| {
            self.revise_template(r)
        })
    }

    async fn switch_status(&self, request: SwitchStatusRequest) -> Answer<SwitchStatusResponse> {
        self.serve(request, SwitchStatusResponse::new, |r| {
            self.switch_template_status(r)
        })
    }

    async fn template_detail(
        &self,
        request: TemplateDetailRequest,
    ) -> Answer<TemplateDetailResponse> {
        self.serve(request, TemplateDetailResponse::new, |r| {
            self.describe_template(r)
        })
    }

    async fn apply_token(&self, request: ApplyTokenRequest) -> Answer<ApplyTokenResponse> {
        self.serve(request, ApplyTokenResponse::new, |r| self.exchange_token(r))
    }

    async fn user_promo_benefit_query(
        &self,
        request: UserPromoBenefitQueryRequest,
    ) -> Answer<UserPromoBenefitQueryResponse> {
        self.serve(request, UserPromoBenefitQueryResponse::new, |r| {
            self.read_points(r)
        })
    }

    async fn benefit_issue(&self, request: BenefitIssueRequest) -> Answer<BenefitIssueResponse> {
        self.serve(request, BenefitIssueResponse::new, |r| self.issue_points(r))
    }

    async fn benefit_redeem(&self, request: BenefitRedeemRequest) -> Answer<BenefitRedeemResponse> {
        self.serve(request, BenefitRedeemResponse::new, |r| {
            self.redeem_points(r)
        })
    }

    async fn pay(&self, request: PayRequest) -> Answer<PayResponse> {
        self.serve(request, PayResponse::new, |r| self.take_payment(r))
    }

    async fn inquiry_payment(
        &self,
        request: InquiryPaymentRequest,
    ) -> Answer<InquiryPaymentResponse> {
        self.serve(request, InquiryPaymentResponse::new, |r| {
            self.report_payment(r)
        })
    }

    async fn cancel_payment(&self, request: CancelPaymentRequest) -> Answer<CancelPaymentResponse> {
        self.serve(request, CancelPaymentResponse::new, |r| {
            self.void_payment(r)
        })
    }

    async fn refund(&self, request: RefundRequest) -> Answer<RefundResponse> {
        self.serve(request, RefundResponse::new, |r| self.refund_payment(r))
    }

    async fn code_consult(&self, request: CodeConsultRequest) -> Answer<CodeConsultResponse> {
        self.serve(
            request,
            |info| CodeConsultResponse::new(info, ""),
            |r| self.consult_code(r),
        )
    }
}
