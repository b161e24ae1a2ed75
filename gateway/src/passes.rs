//! Membership cards: createPass and updatePass against passes held in memory.

use alipayhk::runtime::server::failure;
use alipayhk::{
    CreatePassRequest, CreatePassResponse, ResultInfo, UpdatePassRequest, UpdatePassResponse,
    UpdatePassStatus,
};

use crate::records::{Pass, PassState};
use crate::state::{Gateway, lock, success};

impl Gateway {
    pub(crate) fn open_pass(
        &self,
        request: &CreatePassRequest,
    ) -> Result<CreatePassResponse, ResultInfo> {
        let Some(template) = self.template(request.template_code.as_str()) else {
            return Err(failure(
                "PASS_TEMPLATE_HAS_NOT_EXIT",
                format!("template {} does not exist", request.template_code),
            ));
        };
        if let Some(product) = &request.product
            && *product != template.product
        {
            return Err(failure(
                "PASS_PRODUCT_TYPE_NOT_MATCH",
                "the product differs from the template's",
            ));
        }
        // createPass is idempotent on (merchantId, templateCode, bizSerialId): the second
        // create answers PASS_HAS_EXIT, as AlipayHK documents, and creates nothing.
        let key = (
            request.merchant_id.clone(),
            request.template_code.clone(),
            request.biz_serial_id.clone(),
        );
        let mut created = lock(&self.created);
        // The message names no pass: AlipayHK's pages do not promise one, and a sandbox that
        // offers it invites merchants to parse it. The pass ID is in the first answer only.
        if created.contains_key(&key) {
            return Err(failure(
                "PASS_HAS_EXIT",
                "the pass was already created for this bizSerialId",
            ));
        }
        let pass_id = self.next_id();
        let mut pass = Pass::active();
        pass.end_date = Some(request.end_date);
        if let Some(data) = &request.data_info {
            pass.data = data.clone();
        }
        lock(&self.passes).insert(pass_id.clone(), pass);
        created.insert(key, pass_id.clone());
        Ok(CreatePassResponse::new(success()).pass_id(pass_id))
    }

    pub(crate) fn apply_pass_update(
        &self,
        request: &UpdatePassRequest,
    ) -> Result<UpdatePassResponse, ResultInfo> {
        let mut passes = lock(&self.passes);
        let Some(pass) = passes.get_mut(request.pass_id.as_str()) else {
            return Err(failure(
                "PASS_HAS_NOT_EXIST",
                format!("pass {} does not exist", request.pass_id),
            ));
        };
        match pass.state {
            PassState::Active => {}
            PassState::Used => {
                return Err(failure(
                    "PASS_USED_OCCUPIED",
                    "the pass was already redeemed",
                ));
            }
            PassState::Closed => {
                return Err(failure(
                    "PASS_UPDATE_FAIL",
                    "only active passes can be updated",
                ));
            }
        }
        match request.status {
            UpdatePassStatus::Closed | UpdatePassStatus::Refund => pass.state = PassState::Closed,
            UpdatePassStatus::Used => pass.state = PassState::Used,
            UpdatePassStatus::Update => {
                if let Some(data) = &request.data_info {
                    pass.data
                        .extend(data.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                if request.end_date.is_some() {
                    pass.end_date = request.end_date;
                }
            }
        }
        pass.updates_applied += 1;
        Ok(UpdatePassResponse::new(success()))
    }
}
