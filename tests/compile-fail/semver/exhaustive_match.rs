//! Result codes and response enums are `#[non_exhaustive]`: a `match` needs a wildcard arm,
//! so a code added to the spec later does not break it.

fn describe(code: alipayhk::ApplyTokenResultCode) -> &'static str {
    match code {
        alipayhk::ApplyTokenResultCode::Success => "ok",
        alipayhk::ApplyTokenResultCode::AuthCodeExpired
        | alipayhk::ApplyTokenResultCode::InvalidAuthcode
        | alipayhk::ApplyTokenResultCode::ParamIllegal
        | alipayhk::ApplyTokenResultCode::ProcessFail
        | alipayhk::ApplyTokenResultCode::UserNotExist
        | alipayhk::ApplyTokenResultCode::UserStatusAbnormal
        | alipayhk::ApplyTokenResultCode::UnknownException => "failed",
        alipayhk::ApplyTokenResultCode::Unknown(_) => "unknown",
    }
}

fn main() {
    let _ = describe(alipayhk::ApplyTokenResultCode::Success);
}
