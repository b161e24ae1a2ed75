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
        // pay de-duplicates on paymentRequestId itself (`payments.rs`).
        self.serve_from_state(request, PayResponse::new, |r| self.take_payment(r))
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

    async fn inquriy_user_info(
        &self,
        request: InquriyUserInfoRequest,
    ) -> Answer<InquriyUserInfoResponse> {
        self.serve(request, InquriyUserInfoResponse::new, |r| {
            self.describe_user(r)
        })
    }

    async fn create_voucher_template(
        &self,
        request: CreateVoucherTemplateRequest,
    ) -> Answer<CreateVoucherTemplateResponse> {
        self.serve(request, CreateVoucherTemplateResponse::new, |r| {
            self.open_voucher_template(r)
        })
    }

    async fn switch_voucher_template_status(
        &self,
        request: SwitchVoucherTemplateStatusRequest,
    ) -> Answer<SwitchVoucherTemplateStatusResponse> {
        self.serve(request, SwitchVoucherTemplateStatusResponse::new, |r| {
            self.switch_voucher_template(r)
        })
    }

    async fn voucher_template_detail(
        &self,
        request: VoucherTemplateDetailRequest,
    ) -> Answer<VoucherTemplateDetailResponse> {
        // A scripted S has no template to show: it answers an empty draft.
        let empty = |info| {
            let template = VoucherTemplateInfo::new(
                "",
                "",
                VoucherType::FixedVoucher,
                "",
                "",
                VoucherRedemptionRules::new(),
                VoucherUsageRules::new(),
                Default::default(),
                "",
            );
            VoucherTemplateDetailResponse::new(info, template, VoucherTemplateStatus::Draft, 0, 0)
        };
        self.serve(request, empty, |r| self.read_voucher_template(r))
    }

    async fn list_voucher_templates(
        &self,
        request: ListVoucherTemplatesRequest,
    ) -> Answer<ListVoucherTemplatesResponse> {
        self.serve(
            request,
            |info| ListVoucherTemplatesResponse::new(info, 0, Vec::new()),
            |r| self.list_voucher_templates(r),
        )
    }

    async fn business_district_bill_query(
        &self,
        request: BusinessDistrictBillQueryRequest,
    ) -> Answer<BusinessDistrictBillQueryResponse> {
        self.serve(request, BusinessDistrictBillQueryResponse::new, |r| {
            self.query_mall_bills(r)
        })
    }

    async fn circle_store_save(
        &self,
        request: CircleStoreSaveRequest,
    ) -> Answer<CircleStoreSaveResponse> {
        self.serve(request, CircleStoreSaveResponse::new, |r| {
            self.save_circle_store(r)
        })
    }

    async fn circle_store_query_page(
        &self,
        request: CircleStoreQueryPageRequest,
    ) -> Answer<CircleStoreQueryPageResponse> {
        self.serve(request, CircleStoreQueryPageResponse::new, |r| {
            self.page_circle_stores(r)
        })
    }

    async fn contract_card_sync(
        &self,
        request: ContractCardSyncRequest,
    ) -> Answer<ContractCardSyncResponse> {
        self.serve(request, ContractCardSyncResponse::new, |r| {
            self.sync_contract_card(r)
        })
    }

    async fn sync_order(&self, request: SyncOrderRequest) -> Answer<SyncOrderResponse> {
        self.serve(request, SyncOrderResponse::new, |r| self.record_order(r))
    }

    async fn sync_content(&self, request: SyncContentRequest) -> Answer<SyncContentResponse> {
        self.serve(request, SyncContentResponse::new, |r| {
            self.record_content(r)
        })
    }

    async fn sync_latest_payment_info(
        &self,
        request: SyncLatestPaymentInfoRequest,
    ) -> Answer<SyncLatestPaymentInfoResponse> {
        self.serve(request, SyncLatestPaymentInfoResponse::new, |r| {
            self.record_payment_info(r)
        })
    }

    async fn prepare_for_redirect(
        &self,
        request: PrepareForRedirectRequest,
    ) -> Answer<PrepareForRedirectResponse> {
        // A scripted S has no page to point at: it answers an empty URL.
        self.serve(
            request,
            |info| PrepareForRedirectResponse::new(info, ""),
            |r| self.prepare_authorisation(r),
        )
    }

    async fn auto_debit_apply_token(
        &self,
        request: AutoDebitApplyTokenRequest,
    ) -> Answer<AutoDebitApplyTokenResponse> {
        self.serve(request, AutoDebitApplyTokenResponse::new, |r| {
            self.exchange_auto_debit_token(r)
        })
    }

    async fn auto_debit_refund(
        &self,
        request: AutoDebitRefundRequest,
    ) -> Answer<AutoDebitRefundResponse> {
        self.serve(request, AutoDebitRefundResponse::new, |r| {
            self.refund_auto_debit(r)
        })
    }

    async fn auto_debit_pay_cancel(
        &self,
        request: AutoDebitPayCancelRequest,
    ) -> Answer<AutoDebitPayCancelResponse> {
        self.serve(request, AutoDebitPayCancelResponse::new, |r| {
            self.cancel_auto_debit_payment(r)
        })
    }

    async fn auto_debit_cancel_by_auth_info(
        &self,
        request: AutoDebitCancelByAuthInfoRequest,
    ) -> Answer<AutoDebitCancelByAuthInfoResponse> {
        self.serve(request, AutoDebitCancelByAuthInfoResponse::new, |r| {
            self.cancel_agreement(r)
        })
    }
}
