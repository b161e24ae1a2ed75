//! Cashless voucher templates: `createVoucherTemplate` records a template as `DRAFT` with its
//! whole budget left; AlipayHK's audit moves it on one step each time
//! `voucherTemplateDetail` reads it (`DRAFT` → `AUDIT` → `ACTIVITING` → `ACTIVTED`, or
//! `FAILED` after `AUDIT` for a template whose name contains [`AUDIT_FAILS`]);
//! `switchVoucherTemplateStatus` pauses, resumes and closes along
//! `VoucherTemplateStatus::can_become`; `listVoucherTemplates` pages through them. The
//! gateway serves one client, so its templates are that client's. The checks the spec cannot
//! express (times, the budget) are the data dictionary's, as the endpoint files say.

use alipayhk::runtime::request_time;
use alipayhk::runtime::server::failure;
use alipayhk::runtime::{Endpoint, EpochMillis};
use alipayhk::{
    CreateVoucherTemplateRequest, CreateVoucherTemplateResponse, ListVoucherTemplatesRequest,
    ListVoucherTemplatesResponse, ResultInfo, SwitchVoucherTemplateStatusRequest,
    SwitchVoucherTemplateStatusResponse, VoucherTemplateDetailRequest,
    VoucherTemplateDetailResponse, VoucherTemplateInfo, VoucherTemplateSimpleInfo,
    VoucherTemplateStatus, VoucherTemplateTargetStatus, VoucherType,
};

use crate::records::VoucherTemplate;
use crate::state::{Gateway, lock, success};

/// A template whose name contains this fails AlipayHK's audit (`FAILED` after `AUDIT`).
pub const AUDIT_FAILS: &str = "FAIL";

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// The longest issuing period (`endTime` - `startTime`), as the data dictionary says.
const MAX_ISSUING_DAYS: i64 = 180;
/// The widest window `listVoucherTemplates` searches, as its page says.
const MAX_LIST_DAYS: i64 = 365;
/// The most templates a list page holds, as its page says.
const MAX_PAGE_SIZE: i64 = 50;

fn illegal(message: impl Into<String>) -> ResultInfo {
    failure("PARAM_ILLEGAL", message)
}

/// `text` as epoch milliseconds, if it is an ISO-8601 time with an offset (the family's
/// `datetime`); epoch milliseconds, which `Request-Time` also allows, are not one.
fn iso_time(field: &str, text: &str) -> Result<i64, ResultInfo> {
    let digits = text.bytes().all(|b| b.is_ascii_digit());
    (!digits)
        .then(|| request_time::parse(text))
        .flatten()
        .map(|EpochMillis(millis)| millis)
        .ok_or_else(|| {
            illegal(format!(
                "{field} is not an ISO-8601 time with an offset: {text:?}"
            ))
        })
}

/// The period `start`..`end`, at least a second long and at most `max_days`.
fn period(start: &str, end: &str, max_days: i64) -> Result<(i64, i64), ResultInfo> {
    let (from, to) = (iso_time("startTime", start)?, iso_time("endTime", end)?);
    if to - from < 1000 {
        return Err(illegal("endTime must be at least a second after startTime"));
    }
    if to - from > max_days * DAY_MS {
        return Err(illegal(format!(
            "endTime may be at most {max_days} days after startTime"
        )));
    }
    Ok((from, to))
}

/// A count the family writes as a string (`"1000"`), positive.
fn count(field: &str, value: Option<&str>) -> Result<i64, ResultInfo> {
    value
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|n| *n > 0)
        .ok_or_else(|| illegal(format!("{field} must be a positive whole number")))
}

/// The next step of AlipayHK's audit; a template past it stays where it is.
fn audit_step(status: &VoucherTemplateStatus, fails: bool) -> VoucherTemplateStatus {
    match status {
        VoucherTemplateStatus::Draft => VoucherTemplateStatus::Audit,
        VoucherTemplateStatus::Audit if fails => VoucherTemplateStatus::Failed,
        VoucherTemplateStatus::Audit => VoucherTemplateStatus::Activiting,
        VoucherTemplateStatus::Activiting => VoucherTemplateStatus::Activted,
        other => other.clone(),
    }
}

impl Gateway {
    /// A voucher template as it is now.
    pub fn voucher_template(&self, template_id: &str) -> Option<VoucherTemplate> {
        lock(&self.voucher_templates).get(template_id).cloned()
    }

    /// Every voucher template as it is now, by `templateId`, oldest first.
    pub fn voucher_templates(&self) -> std::collections::BTreeMap<String, VoucherTemplate> {
        lock(&self.voucher_templates).clone()
    }

    /// Plays users redeeming `count` vouchers of a template: they come off what remains.
    /// `false` (and nothing redeemed) for an unknown template or more than remains.
    pub fn redeem_vouchers(&self, template_id: &str, count: i64) -> bool {
        let mut templates = lock(&self.voucher_templates);
        match templates.get_mut(template_id) {
            Some(template) if (0..=template.remaining).contains(&count) => {
                template.redeemed += count;
                template.remaining -= count;
                true
            }
            _ => false,
        }
    }

    pub(crate) fn open_voucher_template(
        &self,
        request: &CreateVoucherTemplateRequest,
    ) -> Result<CreateVoucherTemplateResponse, ResultInfo> {
        if request.voucher_type != VoucherType::FixedVoucher {
            return Err(illegal("voucherType must be FIXED_VOUCHER"));
        }
        let (starts, _) = period(&request.start_time, &request.end_time, MAX_ISSUING_DAYS)?;
        // The rules' fields are inferred from samples, so the types let them be left out; a
        // template without a budget or a face value is not one AlipayHK can issue.
        let rules = &request.voucher_redemption_rules;
        let budget = count(
            "voucherRedemptionRules.quantityBudget",
            rules.quantity_budget.as_deref(),
        )?;
        let face = request.voucher_usage_rules.amount.as_ref();
        count(
            "voucherUsageRules.amount.value",
            face.and_then(|a| a.value.as_deref()),
        )?;
        if request.display_info.is_empty() {
            return Err(illegal("displayInfo needs at least one locale"));
        }
        let name = CreateVoucherTemplateRequest::NAME;
        if self.request_id_used(name, &request.request_id) {
            return Err(failure(
                "REPEAT_REQ_INCONSISTENT",
                "this requestId created another template",
            ));
        }
        let mut info = VoucherTemplateInfo::new(
            request.request_id.clone(),
            request.name.clone(),
            request.voucher_type.clone(),
            request.start_time.clone(),
            request.end_time.clone(),
            request.voucher_redemption_rules.clone(),
            request.voucher_usage_rules.clone(),
            request.display_info.clone(),
            // Required in the data dictionary's TemplateInfo, inferred for the create: echoed
            // as sent, empty when it was not.
            request.creator_id.clone().unwrap_or_default(),
        );
        info.pass_through_info = request.pass_through_info.clone();
        info.other_fields = request.other_fields.clone();
        let template_id = self.next_id();
        lock(&self.voucher_templates).insert(
            template_id.clone(),
            VoucherTemplate {
                info,
                status: VoucherTemplateStatus::Draft,
                redeemed: 0,
                remaining: budget,
                starts,
            },
        );
        self.use_request_id(name, &request.request_id);
        Ok(CreateVoucherTemplateResponse::new(success()).template_id(template_id))
    }

    pub(crate) fn read_voucher_template(
        &self,
        request: &VoucherTemplateDetailRequest,
    ) -> Result<VoucherTemplateDetailResponse, ResultInfo> {
        let mut templates = lock(&self.voucher_templates);
        let Some(template) = templates.get_mut(request.template_id.as_str()) else {
            return Err(failure("PROCESS_FAIL", "no such voucher template"));
        };
        let fails = template.info.name.contains(AUDIT_FAILS);
        template.status = audit_step(&template.status, fails);
        Ok(VoucherTemplateDetailResponse::new(
            success(),
            template.info.clone(),
            template.status.clone(),
            template.redeemed,
            template.remaining,
        ))
    }

    pub(crate) fn switch_voucher_template(
        &self,
        request: &SwitchVoucherTemplateStatusRequest,
    ) -> Result<SwitchVoucherTemplateStatusResponse, ResultInfo> {
        let name = SwitchVoucherTemplateStatusRequest::NAME;
        if self.request_id_used(name, &request.request_id) {
            return Err(failure(
                "REPEAT_REQ_INCONSISTENT",
                "this requestId made another change",
            ));
        }
        let target = match request.status {
            VoucherTemplateTargetStatus::Activted => VoucherTemplateStatus::Activted,
            VoucherTemplateTargetStatus::Paused => VoucherTemplateStatus::Paused,
            VoucherTemplateTargetStatus::Closed => VoucherTemplateStatus::Closed,
        };
        let mut templates = lock(&self.voucher_templates);
        let Some(template) = templates.get_mut(request.template_id.as_str()) else {
            return Err(failure("PROCESS_FAIL", "no such voucher template"));
        };
        if !template.status.can_become(&target) {
            return Err(failure(
                "PROCESS_FAIL",
                format!(
                    "a {} template cannot become {}",
                    template.status.as_str(),
                    target.as_str()
                ),
            ));
        }
        template.status = target;
        self.use_request_id(name, &request.request_id);
        Ok(SwitchVoucherTemplateStatusResponse::new(success()))
    }

    pub(crate) fn list_voucher_templates(
        &self,
        request: &ListVoucherTemplatesRequest,
    ) -> Result<ListVoucherTemplatesResponse, ResultInfo> {
        if request.offset < 1 {
            return Err(illegal("offset is a page number, from 1"));
        }
        if !(1..=MAX_PAGE_SIZE).contains(&request.page_size) {
            return Err(illegal(format!(
                "pageSize must be from 1 to {MAX_PAGE_SIZE}"
            )));
        }
        let (from, to) = period(&request.start_time, &request.end_time, MAX_LIST_DAYS)?;
        let templates = lock(&self.voucher_templates);
        let matching: Vec<VoucherTemplateSimpleInfo> = templates
            .iter()
            .filter(|(_, t)| (from..=to).contains(&t.starts))
            .filter(|(_, t)| request.status.as_ref().is_none_or(|s| *s == t.status))
            .map(|(id, t)| {
                VoucherTemplateSimpleInfo::new()
                    .template_id(id.clone())
                    .name(t.info.name.clone())
                    .status(t.status.clone())
            })
            .collect();
        let total = i64::try_from(matching.len()).unwrap_or(i64::MAX);
        let skip = usize::try_from((request.offset - 1).saturating_mul(request.page_size))
            .unwrap_or(usize::MAX);
        let page_size = usize::try_from(request.page_size).unwrap_or(0);
        let page = matching.into_iter().skip(skip).take(page_size).collect();
        Ok(ListVoucherTemplatesResponse::new(success(), total, page))
    }
}
