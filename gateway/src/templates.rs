//! Pass templates: create, update (a full replacement, as the update page documents), switch
//! status (along the transitions the spec documents on `TemplateStatus`) and read.
//!
//! `switchStatus` is served by its own route in front of the generated router
//! ([`switch_status_router`]): a target status outside the documented three (`valid`, `closed`,
//! `paused`) is refused with `PASS_TEMPLATE_STATUS_ILLEGAL`, the code the ticket status page
//! gives for a status value that is not one, before the body is read as a
//! [`SwitchStatusRequest`] (whose enum has no other value to read it as).

use std::sync::Arc;

use alipayhk::runtime::Endpoint;
use alipayhk::runtime::server::{ServerConfig, Verified, failure, handle, result_body, verified};
use alipayhk::{
    Button, CreateTemplateRequest, CreateTemplateResponse, ResultInfo, SwitchStatusRequest,
    SwitchStatusResponse, TemplateDetailRequest, TemplateDetailResponse, TemplateStatus,
    TemplateTargetStatus, UpdateTemplateRequest, UpdateTemplateResponse,
};
use axum::extract::State;
use axum::response::Response;

use crate::records::Template;
use crate::state::{Gateway, lock, success};

/// The field switchStatus answers its result in.
const SWITCH_STATUS_RESULT: &str = "resultInfo";

/// AlipayHK checks the URLs a template shows; the gateway checks they are HTTPS (or an
/// `alipayhk://` link for buttons).
fn check_urls(image_url: &str, button: &Button) -> Result<(), ResultInfo> {
    if !image_url.starts_with("https://") {
        return Err(failure(
            "PASS_TEMPLATE_IMAGE_INVALID",
            "imageUrl must be an https URL",
        ));
    }
    if let Some(url) = button.btn_url.as_deref()
        && !(url.starts_with("https://") || url.starts_with("alipayhk://"))
    {
        return Err(failure(
            "PASS_TEMPLATE_BTN_URL_INVALID",
            "btnUrl must be an https or alipayhk:// URL",
        ));
    }
    Ok(())
}

/// The template status a switchStatus target names.
fn target(status: TemplateTargetStatus) -> TemplateStatus {
    match status {
        TemplateTargetStatus::Valid => TemplateStatus::Valid,
        TemplateTargetStatus::Closed => TemplateStatus::Closed,
        TemplateTargetStatus::Paused => TemplateStatus::Paused,
    }
}

impl Gateway {
    pub(crate) fn register_template(
        &self,
        request: &CreateTemplateRequest,
    ) -> Result<CreateTemplateResponse, ResultInfo> {
        check_urls(&request.image_url, &request.button)?;
        let code = self.next_id();
        let template = Template {
            merchant_id: request.merchant_id.to_string(),
            status: TemplateStatus::Valid,
            template_type: request.r#type,
            product: request.product,
            code_type: request.code_type.clone(),
            code_standard: request.code_standard.clone(),
            image_url: request.image_url.clone(),
            button: request.button.clone(),
            locale_info: request.locale_info.clone(),
            merchant_logo: request.merchant_logo.clone(),
            start_date: request.start_date,
            end_date: request.end_date,
            current_amount_cent: request.current_amount_cent,
            original_amount_cent: request.original_amount_cent,
            currency_code: request.currency_code.clone(),
            stock: request.stock,
            order_page_link: request.order_page_link.clone(),
            detail_link: request.detail_link.clone(),
            categories: request.categories.clone(),
            biz_mids: request.biz_mids.clone(),
            exposure: request.exposure.clone(),
        };
        lock(&self.templates).insert(code.clone(), template);
        Ok(CreateTemplateResponse::new(success()).template_code(code))
    }

    /// updateTemplate replaces what the template shows: the required display fields with the
    /// request's, and every optional field with the request's value or with nothing. What it
    /// does not touch is what the update does not send: the kind, product, code, and status.
    pub(crate) fn revise_template(
        &self,
        request: &UpdateTemplateRequest,
    ) -> Result<UpdateTemplateResponse, ResultInfo> {
        check_urls(&request.image_url, &request.button)?;
        let mut templates = lock(&self.templates);
        let template = found(
            templates.get_mut(request.template_code.as_str()),
            request.template_code.as_str(),
        )?;
        // No page says what an update of a closed template answers; the template's state
        // does not allow it, which is what STATE_MACHINE_ILLEGAL says.
        if template.status == TemplateStatus::Closed {
            return Err(failure(
                "STATE_MACHINE_ILLEGAL",
                "a closed template cannot change",
            ));
        }
        template.start_date = request.start_date;
        template.end_date = request.end_date;
        template.image_url.clone_from(&request.image_url);
        template.button = request.button.clone();
        template.locale_info.clone_from(&request.locale_info);
        template.merchant_logo = Some(request.merchant_logo.clone());
        template.current_amount_cent = request.current_amount_cent;
        template.original_amount_cent = request.original_amount_cent;
        template.currency_code.clone_from(&request.currency_code);
        template.stock = request.stock;
        template
            .order_page_link
            .clone_from(&request.order_page_link);
        template.detail_link.clone_from(&request.detail_link);
        template.categories.clone_from(&request.categories);
        template.biz_mids.clone_from(&request.biz_mids);
        template.exposure.clone_from(&request.exposure);
        Ok(UpdateTemplateResponse::new(success()))
    }

    pub(crate) fn switch_template_status(
        &self,
        request: &SwitchStatusRequest,
    ) -> Result<SwitchStatusResponse, ResultInfo> {
        // merchantId is the deprecated name of merchantAccountId: when a request sends both,
        // they must name the same merchant.
        if let Some(old) = &request.merchant_id
            && *old != request.merchant_account_id
        {
            return Err(failure(
                "PARAM_ILLEGAL",
                "merchantId (deprecated) and merchantAccountId name different merchants",
            ));
        }
        let mut templates = lock(&self.templates);
        let template = found(
            templates.get_mut(request.template_code.as_str()),
            request.template_code.as_str(),
        )?;
        let next = target(request.status);
        // The transitions are the spec's, generated into `can_become`.
        if !template.status.can_become(&next) {
            return Err(failure(
                "STATE_MACHINE_ILLEGAL",
                format!(
                    "a {} template cannot become {}",
                    template.status.as_str(),
                    next.as_str()
                ),
            ));
        }
        template.status = next;
        Ok(SwitchStatusResponse::new(success()).status(template.status.clone()))
    }

    pub(crate) fn describe_template(
        &self,
        request: &TemplateDetailRequest,
    ) -> Result<TemplateDetailResponse, ResultInfo> {
        let code = request.template_code.as_str();
        let templates = lock(&self.templates);
        let t = found(templates.get(code), code)?;
        let mut answer = TemplateDetailResponse::new(success())
            .template_code(code)
            .status(t.status.clone())
            .start_date(t.start_date)
            .end_date(t.end_date)
            .code_type(t.code_type.clone())
            .code_standard(t.code_standard.clone())
            .image_url(t.image_url.clone())
            .button(t.button.clone())
            .locale_info(t.locale_info.clone());
        // The query page answers the prices as `currentAmount`/`originalAmount`, typed Object
        // with plain cents in its sample (`1000` for HKD 10.00): the gateway answers the cents.
        answer.merchant_logo.clone_from(&t.merchant_logo);
        answer.current_amount = t.current_amount_cent.map(serde_json::Value::from);
        answer.original_amount = t.original_amount_cent.map(serde_json::Value::from);
        answer.currency_code.clone_from(&t.currency_code);
        answer.stock = t.stock;
        answer.order_page_link.clone_from(&t.order_page_link);
        answer.detail_link.clone_from(&t.detail_link);
        answer.categories.clone_from(&t.categories);
        answer.biz_mids.clone_from(&t.biz_mids);
        answer.exposure.clone_from(&t.exposure);
        Ok(answer)
    }
}

fn found<T>(template: Option<T>, code: &str) -> Result<T, ResultInfo> {
    template.ok_or_else(|| {
        failure(
            "PASS_TEMPLATE_HAS_NOT_EXIT",
            format!("template {code} does not exist"),
        )
    })
}

/// The switchStatus route, behind the protocol middleware with `config`, to be served in
/// front of the generated router (which serves every other path).
pub(crate) fn switch_status_router(gateway: Arc<Gateway>, config: ServerConfig) -> axum::Router {
    let routes = axum::Router::new()
        .route(
            SwitchStatusRequest::PATH,
            axum::routing::post(switch_status),
        )
        .with_state(gateway);
    verified(routes, Arc::new(config))
}

async fn switch_status(State(gateway): State<Arc<Gateway>>, request: Verified) -> Response {
    if let Some(refusal) = unlisted_target(request.body()) {
        let mut response = Response::new(axum::body::Body::from(result_body(
            SWITCH_STATUS_RESULT,
            &refusal,
        )));
        response.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json; charset=UTF-8"),
        );
        return response;
    }
    handle::<SwitchStatusRequest, _, _>(request, SWITCH_STATUS_RESULT, |request| {
        alipayhk::platform::Api::switch_status(&*gateway, request)
    })
    .await
}

/// `PASS_TEMPLATE_STATUS_ILLEGAL` when the body's `status` is a string the target statuses do
/// not list (`frozen`, `expired`, or no status at all); anything else is left to the typed
/// handler, which answers `PARAM_ILLEGAL` for a body it cannot read.
fn unlisted_target(body: &[u8]) -> Option<ResultInfo> {
    let body: serde_json::Value = serde_json::from_slice(body).ok()?;
    let status = body.get("status")?.as_str()?;
    let listed =
        serde_json::from_value::<TemplateTargetStatus>(serde_json::Value::from(status)).is_ok();
    (!listed).then(|| {
        failure(
            "PASS_TEMPLATE_STATUS_ILLEGAL",
            format!("status {status:?} is not one of valid, closed, paused"),
        )
    })
}
