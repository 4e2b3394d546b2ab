//! Turning raw account input (API JSON or page form) into a validated `NewUser`, with one
//! Vietnamese message per field at fault.

use crate::error::FieldError;
use crate::state::AppState;
use motcua_domain::account::{Email, NewPassword, PersonName, Role};
use motcua_store::StoreError;
use motcua_store::account::NewUser;

/// Account input as typed. Never printed: it holds a password and personal data.
#[derive(Default, Clone)]
pub struct RawNewUser {
    pub email: String,
    pub full_name: String,
    pub role: String,
    pub unit: String,
    pub password: String,
}

pub async fn validate(
    state: &AppState,
    raw: &RawNewUser,
) -> Result<Result<NewUser, Vec<FieldError>>, StoreError> {
    let mut errors = Vec::new();
    let email = Email::parse(&raw.email)
        .map_err(|e| errors.push(FieldError::new("email", e.to_string())))
        .ok();
    let name = PersonName::parse(&raw.full_name)
        .map_err(|e| errors.push(FieldError::new("full_name", e.to_string())))
        .ok();
    let role = Role::parse(&raw.role)
        .map_err(|e| errors.push(FieldError::new("role", e.to_string())))
        .ok();
    let password = NewPassword::parse(&raw.password)
        .map_err(|e| errors.push(FieldError::new("password", e.to_string())))
        .ok();
    let unit = motcua_store::org::find_unit(state.db.conn(), &raw.unit).await?;
    if unit.is_none() {
        errors.push(FieldError::new(
            "unit",
            format!("không có đơn vị có mã hoặc định danh «{}»", raw.unit.trim()),
        ));
    }
    if let Some(e) = &email
        && motcua_store::account::find_by_email(state.db.conn(), e)
            .await?
            .is_some()
    {
        errors.push(FieldError::new(
            "email",
            "đã có tài khoản dùng địa chỉ thư điện tử này",
        ));
    }
    Ok(match (email, name, role, password, unit) {
        (Some(email), Some(name), Some(role), Some(password), Some(unit)) if errors.is_empty() => {
            Ok(NewUser {
                unit,
                email,
                name,
                role,
                password,
            })
        }
        _ => Err(errors),
    })
}
