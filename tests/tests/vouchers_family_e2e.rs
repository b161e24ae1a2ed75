//! The cashless voucher family against the local gateway over loopback: a template created
//! as `DRAFT`, audited one step per detail read to `ACTIVTED` (or `FAILED`), switched along
//! `VoucherTemplateStatus::can_become`, listed a page at a time; idempotency on `requestId`;
//! every failure code the gateway produces, and an unknown outcome resolved by re-sending.

use alipayhk::runtime::{Error, Resolved};
use alipayhk::*;
use alipayhk_gateway::{AUDIT_FAILS, Fault};

mod support;

use support::{Fixture, failed_code, fixture, quick, send_edited};

const START: &str = "2026-03-04T12:08:56+08:00";
const END: &str = "2026-07-04T12:08:56+08:00";

fn hkd(value: &str) -> VoucherAmount {
    VoucherAmount::new().currency("HKD").value(value)
}

fn create(request_id: &str, name: &str) -> CreateVoucherTemplateRequest {
    CreateVoucherTemplateRequest::new(
        request_id,
        name,
        VoucherType::FixedVoucher,
        START,
        END,
        VoucherRedemptionRules::new()
            .quantity_budget("1000")
            .limit_count_per_user("1"),
        VoucherUsageRules::new()
            .min_pay_amount(hkd("100"))
            .amount(hkd("10"))
            .can_superpose(false),
        [(
            "en_US".to_owned(),
            VoucherDisplayInfo::new()
                .merchant_name("Tea House")
                .voucher_description("HKD 10 off HKD 100"),
        )]
        .into(),
    )
    .creator_id("OPERATOR-1")
}

async fn created(f: &Fixture, request_id: &str, name: &str) -> String {
    let answer = f.client().execute(&create(request_id, name)).await.unwrap();
    answer.template_id.expect("a templateId").to_string()
}

async fn detail(f: &Fixture, template_id: &str) -> VoucherTemplateDetailResponse {
    f.client()
        .execute(&VoucherTemplateDetailRequest::new(template_id))
        .await
        .unwrap()
}

fn switch(
    template_id: &str,
    to: VoucherTemplateTargetStatus,
    request_id: &str,
) -> SwitchVoucherTemplateStatusRequest {
    SwitchVoucherTemplateStatusRequest::new(template_id, to, request_id)
}

/// Reads the template until its audit is over, as a merchant polls it.
async fn audited(f: &Fixture, template_id: &str) -> VoucherTemplateStatus {
    for _ in 0..5 {
        let status = detail(f, template_id).await.status;
        if matches!(
            status,
            VoucherTemplateStatus::Activted | VoucherTemplateStatus::Failed
        ) {
            return status;
        }
    }
    panic!("the audit never ended")
}

#[tokio::test]
async fn a_template_is_created_as_a_draft_and_audited_one_step_per_read() {
    let f = fixture().await;
    let request = create("VT-REQ-1", "Summer HKD 10 off");
    let template_id = created(&f, "VT-REQ-1", "Summer HKD 10 off").await;
    let held = f.gateway.voucher_template(&template_id).unwrap();
    assert_eq!(
        (held.status, held.redeemed, held.remaining),
        (VoucherTemplateStatus::Draft, 0, 1000)
    );

    let mut seen = Vec::new();
    for _ in 0..4 {
        let answer = detail(&f, &template_id).await;
        // The template is echoed as it was created.
        assert_eq!(answer.template_info.request_id, request.request_id);
        assert_eq!(answer.template_info.name, request.name);
        assert_eq!(
            answer.template_info.voucher_usage_rules,
            request.voucher_usage_rules
        );
        assert_eq!(answer.template_info.creator_id, "OPERATOR-1");
        assert_eq!(
            (answer.redemption_quantity, answer.remain_quantity),
            (0, 1000)
        );
        seen.push(answer.status);
    }
    assert_eq!(
        seen,
        [
            VoucherTemplateStatus::Audit,
            VoucherTemplateStatus::Activiting,
            VoucherTemplateStatus::Activted,
            VoucherTemplateStatus::Activted,
        ]
    );

    // Users redeem vouchers: they come off what remains.
    assert!(f.gateway.redeem_vouchers(&template_id, 3));
    let answer = detail(&f, &template_id).await;
    assert_eq!(
        (answer.redemption_quantity, answer.remain_quantity),
        (3, 997)
    );
    let unknown = f
        .client()
        .execute(&VoucherTemplateDetailRequest::new(
            "2026000000000000000000000000099",
        ))
        .await;
    assert_eq!(
        failed_code(unknown),
        VoucherTemplateDetailResultCode::ProcessFail
    );
}

#[tokio::test]
async fn a_name_marked_to_fail_ends_its_audit_failed_and_can_then_not_move() {
    let f = fixture().await;
    let template_id = created(&f, "VT-REQ-2", &format!("{AUDIT_FAILS} on purpose")).await;

    assert_eq!(
        audited(&f, &template_id).await,
        VoucherTemplateStatus::Failed
    );

    let closed = f
        .client()
        .execute(&switch(
            &template_id,
            VoucherTemplateTargetStatus::Closed,
            "SW-0",
        ))
        .await;
    assert_eq!(
        failed_code(closed),
        SwitchVoucherTemplateStatusResultCode::ProcessFail
    );
}

#[tokio::test]
async fn switching_follows_the_state_machine() {
    let f = fixture().await;
    let client = f.client();
    let template_id = created(&f, "VT-REQ-3", "Autumn").await;
    let draft = template_id.clone();
    let to = |status, id: &str| switch(&draft, status, id);

    // A draft can only be closed.
    let paused = client
        .execute(&to(VoucherTemplateTargetStatus::Paused, "SW-1"))
        .await;
    assert_eq!(
        failed_code(paused),
        SwitchVoucherTemplateStatusResultCode::ProcessFail
    );
    assert_eq!(
        audited(&f, &template_id).await,
        VoucherTemplateStatus::Activted
    );

    for (status, request_id, now) in [
        (
            VoucherTemplateTargetStatus::Paused,
            "SW-2",
            VoucherTemplateStatus::Paused,
        ),
        (
            VoucherTemplateTargetStatus::Activted,
            "SW-3",
            VoucherTemplateStatus::Activted,
        ),
        (
            VoucherTemplateTargetStatus::Closed,
            "SW-4",
            VoucherTemplateStatus::Closed,
        ),
    ] {
        client.execute(&to(status, request_id)).await.unwrap();
        assert_eq!(
            f.gateway.voucher_template(&template_id).unwrap().status,
            now
        );
    }
    // The same change again is the same change: answered as the first, changing nothing.
    client
        .execute(&to(VoucherTemplateTargetStatus::Paused, "SW-2"))
        .await
        .unwrap();
    assert_eq!(
        f.gateway.voucher_template(&template_id).unwrap().status,
        VoucherTemplateStatus::Closed
    );
    // A closed template stays closed; a requestId names one change.
    let reopened = client
        .execute(&to(VoucherTemplateTargetStatus::Activted, "SW-5"))
        .await;
    assert_eq!(
        failed_code(reopened),
        SwitchVoucherTemplateStatusResultCode::ProcessFail
    );
    let reused = client
        .execute(&to(VoucherTemplateTargetStatus::Activted, "SW-2"))
        .await;
    assert_eq!(
        failed_code(reused),
        SwitchVoucherTemplateStatusResultCode::RepeatReqInconsistent
    );
    let nowhere = client
        .execute(&switch(
            "2026000000000000000000000000099",
            VoucherTemplateTargetStatus::Closed,
            "SW-6",
        ))
        .await;
    assert_eq!(
        failed_code(nowhere),
        SwitchVoucherTemplateStatusResultCode::ProcessFail
    );
    // The page's own sample sends "CLOSE", none of the three targets it lists.
    let close = send_edited(
        &client,
        &to(VoucherTemplateTargetStatus::Closed, "SW-7"),
        |body| {
            body.insert("status".into(), "CLOSE".into());
        },
    )
    .await;
    assert_eq!(
        failed_code(close),
        SwitchVoucherTemplateStatusResultCode::ParamIllegal
    );
}

#[tokio::test]
async fn create_refuses_bad_types_times_and_budgets_and_a_reused_request_id() {
    let f = fixture().await;
    let client = f.client();
    let refused = |r: Result<
        CreateVoucherTemplateResponse,
        Error<CreateVoucherTemplateResultCode>,
    >| failed_code(r);

    let percent = send_edited(&client, &create("VT-BAD-1", "Percent"), |body| {
        body.insert("voucherType".into(), "PERCENT_VOUCHER".into());
    })
    .await;
    assert_eq!(
        refused(percent),
        CreateVoucherTemplateResultCode::ParamIllegal
    );

    let mut epoch = create("VT-BAD-2", "Epoch");
    epoch.start_time = "1772597336000".into();
    let inverted = {
        let mut r = create("VT-BAD-3", "Inverted");
        (r.start_time, r.end_time) = (END.into(), START.into());
        r
    };
    let mut too_long = create("VT-BAD-4", "Too long");
    too_long.end_time = "2026-09-01T12:08:56+08:00".into(); // 181 days
    let mut no_budget = create("VT-BAD-5", "No budget");
    no_budget.voucher_redemption_rules = VoucherRedemptionRules::new();
    let mut no_value = create("VT-BAD-6", "No value");
    no_value.voucher_usage_rules = VoucherUsageRules::new();
    for bad in [epoch, inverted, too_long, no_budget, no_value] {
        let answer = client.execute(&bad).await;
        assert_eq!(
            refused(answer),
            CreateVoucherTemplateResultCode::ParamIllegal,
            "{}",
            bad.name
        );
    }
    assert!(
        f.gateway.voucher_templates().is_empty(),
        "nothing was created"
    );

    // A requestId names one template: the same request again gets the same one, another
    // request under it is refused. A refused request's requestId can be used again.
    let first = created(&f, "VT-REQ-4", "Winter").await;
    assert_eq!(created(&f, "VT-REQ-4", "Winter").await, first);
    let other = client.execute(&create("VT-REQ-4", "Spring")).await;
    assert_eq!(
        refused(other),
        CreateVoucherTemplateResultCode::RepeatReqInconsistent
    );
    created(&f, "VT-BAD-5", "No budget, fixed").await;
    assert_eq!(f.gateway.voucher_templates().len(), 2);
}

#[tokio::test]
async fn a_create_whose_answer_was_unknown_is_resolved_by_resending_and_creates_once() {
    let f = fixture().await;
    f.gateway.faults().script(
        "VT-REQ-5",
        Fault::After {
            code: "UNKNOWN_EXCEPTION".into(),
            status: "U".into(),
            message: None,
        },
        Some(1),
    );

    let resolved = f
        .client()
        .execute_resolving_unknown(&create("VT-REQ-5", "Lost answer"), quick())
        .await
        .unwrap();

    let Resolved::Done(answer) = resolved else {
        panic!("{resolved:?}")
    };
    let templates = f.gateway.voucher_templates();
    assert_eq!(templates.len(), 1, "created once");
    assert_eq!(
        answer.template_id.map(|id| id.to_string()),
        templates.keys().next().cloned()
    );
}

#[tokio::test]
async fn the_list_pages_filters_by_status_and_window_and_refuses_bad_pages() {
    let f = fixture().await;
    let client = f.client();
    let mut ids = Vec::new();
    for n in 1..=3 {
        ids.push(created(&f, &format!("VT-LIST-{n}"), &format!("Template {n}")).await);
    }
    let mut later = create("VT-LIST-4", "Next year");
    (later.start_time, later.end_time) = (
        "2027-03-04T12:08:56+08:00".into(),
        "2027-04-04T12:08:56+08:00".into(),
    );
    client.execute(&later).await.unwrap();
    audited(&f, &ids[0]).await;
    let list = |offset, size| {
        ListVoucherTemplatesRequest::new(
            offset,
            size,
            "2026-01-01T00:00:00+08:00",
            "2026-12-31T00:00:00+08:00",
        )
    };

    let first = client.execute(&list(1, 2)).await.unwrap();
    let second = client.execute(&list(2, 2)).await.unwrap();
    let page_ids = |page: &ListVoucherTemplatesResponse| -> Vec<String> {
        page.list
            .iter()
            .map(|t| t.template_id.as_ref().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        (first.total, second.total),
        (3, 3),
        "the 2027 template is outside"
    );
    assert_eq!(page_ids(&first), ids[..2]);
    assert_eq!(page_ids(&second), ids[2..]);
    assert_eq!(first.list[0].name.as_deref(), Some("Template 1"));
    let live = client
        .execute(&list(1, 50).status(VoucherTemplateStatus::Activted))
        .await
        .unwrap();
    assert_eq!((live.total, page_ids(&live)), (1, ids[..1].to_vec()));
    let drafts = client
        .execute(&list(1, 50).status(VoucherTemplateStatus::Draft))
        .await
        .unwrap();
    assert_eq!(drafts.total, 2);

    // offset is a page number from 1 and pageSize at least 1 (both inferred, so the client
    // sends them with a warning); the window is at most 365 days, start before end.
    let wide = ListVoucherTemplatesRequest::new(
        1,
        10,
        "2025-01-01T00:00:00+08:00",
        "2026-12-31T00:00:00+08:00",
    );
    let inverted = ListVoucherTemplatesRequest::new(
        1,
        10,
        "2026-12-31T00:00:00+08:00",
        "2026-01-01T00:00:00+08:00",
    );
    let garbled = ListVoucherTemplatesRequest::new(1, 10, "last year", "2026-01-01T00:00:00+08:00");
    for bad in [list(0, 10), list(1, 0), wide, inverted, garbled] {
        assert_eq!(
            failed_code(client.execute(&bad).await),
            ListVoucherTemplatesResultCode::ParamIllegal,
            "{bad:?}"
        );
    }
    // Over 50 a page, the client refuses it (the page documents the limit); the gateway too.
    assert!(matches!(
        client.execute(&list(1, 51)).await,
        Err(Error::Invalid(_))
    ));
    let big = send_edited(&client, &list(1, 50), |body| {
        body.insert("pageSize".into(), 51.into());
    })
    .await;
    assert_eq!(
        failed_code(big),
        ListVoucherTemplatesResultCode::ParamIllegal
    );
}
