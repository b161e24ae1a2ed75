//! Pass templates: create, update, switch status (along the transitions the spec documents on
//! `TemplateStatus`) and read.

use alipayhk::runtime::server::failure;
use alipayhk::{
    Button, CreateTemplateRequest, CreateTemplateResponse, ResultInfo, SwitchStatusRequest,
    SwitchStatusResponse, TemplateCode, TemplateDetailRequest, TemplateDetailResponse,
    TemplateStatus, UpdateTemplateRequest, UpdateTemplateResponse,
};

use crate::records::Template;
use crate::state::{Gateway, lock, success};

/// AlipayHK checks the URLs a template shows; the gateway checks they are HTTPS (or an
/// `alipayhk://` link for buttons).
fn check_urls(image_url: Option<&str>, button: Option<&Button>) -> Result<(), ResultInfo> {
    if let Some(url) = image_url
        && !url.starts_with("https://")
    {
        return Err(failure(
            "PASS_TEMPLATE_IMAGE_INVALID",
            "imageUrl must be an https URL",
        ));
    }
    if let Some(url) = button.and_then(|b| b.btn_url.as_deref())
        && !(url.starts_with("https://") || url.starts_with("alipayhk://"))
    {
        return Err(failure(
            "PASS_TEMPLATE_BTN_URL_INVALID",
            "btnUrl must be an https or alipayhk:// URL",
        ));
    }
    Ok(())
}

impl Gateway {
    pub(crate) fn register_template(
        &self,
        request: &CreateTemplateRequest,
    ) -> Result<CreateTemplateResponse, ResultInfo> {
        check_urls(Some(&request.image_url), Some(&request.button))?;
        let code = self.next_id();
        let template = Template {
            merchant_id: request.merchant_id.to_string(),
            status: TemplateStatus::Valid,
            pass_type: request.r#type,
            product: request.product,
            code_type: request.code_type.clone(),
            code_standard: request.code_standard.clone(),
            image_url: request.image_url.clone(),
            button: request.button.clone(),
            locale_info: request.locale_info.clone(),
            merchant_logo: request.merchant_logo.clone(),
            start_date: request.start_date,
            end_date: request.end_date,
        };
        lock(&self.templates).insert(code.clone(), template);
        Ok(CreateTemplateResponse::new(success()).template_code(code))
    }

    pub(crate) fn revise_template(
        &self,
        request: &UpdateTemplateRequest,
    ) -> Result<UpdateTemplateResponse, ResultInfo> {
        check_urls(request.image_url.as_deref(), request.button.as_ref())?;
        let mut templates = lock(&self.templates);
        let template = found(
            templates.get_mut(request.template_code.as_str()),
            request.template_code.as_str(),
        )?;
        if template.status == TemplateStatus::Closed {
            return Err(failure(
                "PASS_TEMPLATE_STATUS_ILLEGAL",
                "a closed template cannot change",
            ));
        }
        if let Some(url) = &request.image_url {
            template.image_url.clone_from(url);
        }
        if let Some(button) = &request.button {
            template.button = button.clone();
        }
        if let Some(locale_info) = &request.locale_info {
            template.locale_info.clone_from(locale_info);
        }
        if let Some(logo) = &request.merchant_logo {
            template.merchant_logo.clone_from(logo);
        }
        if let Some(start) = request.start_date {
            template.start_date = start;
        }
        if let Some(end) = request.end_date {
            template.end_date = end;
        }
        Ok(UpdateTemplateResponse::new(success()))
    }

    pub(crate) fn switch_template_status(
        &self,
        request: &SwitchStatusRequest,
    ) -> Result<SwitchStatusResponse, ResultInfo> {
        let mut templates = lock(&self.templates);
        let template = found(
            templates.get_mut(request.template_code.as_str()),
            request.template_code.as_str(),
        )?;
        // The transitions are the spec's, generated into `can_become`.
        if !template.status.can_become(&request.status) {
            return Err(failure(
                "STATE_MACHINE_ILLEGAL",
                format!(
                    "a {} template cannot become {}",
                    template.status.as_str(),
                    request.status.as_str()
                ),
            ));
        }
        template.status = request.status.clone();
        Ok(SwitchStatusResponse::new(success()).status(template.status.clone()))
    }

    pub(crate) fn describe_template(
        &self,
        request: &TemplateDetailRequest,
    ) -> Result<TemplateDetailResponse, ResultInfo> {
        // The page does not mark templateCode required, so the request type leaves it
        // optional; without it there is nothing to describe.
        let code = request
            .template_code
            .as_ref()
            .map(TemplateCode::as_str)
            .ok_or_else(|| failure("PARAM_ILLEGAL", "templateCode is required"))?;
        let templates = lock(&self.templates);
        let t = found(templates.get(code), code)?;
        Ok(TemplateDetailResponse::new(success())
            .template_code(code)
            .status(t.status.clone())
            .start_date(t.start_date)
            .end_date(t.end_date)
            .code_type(t.code_type.clone())
            .code_standard(t.code_standard.clone())
            .image_url(t.image_url.clone())
            .button(t.button.clone())
            .locale_info(t.locale_info.clone())
            .merchant_logo(t.merchant_logo.clone()))
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
