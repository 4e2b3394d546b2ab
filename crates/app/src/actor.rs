//! Who acts: the account, its role and unit, and the request the action belongs to.

use motcua_domain::account::Role;
use motcua_store::AuditCtx;
use uuid::Uuid;

/// The person (or motcua itself) on whose behalf a use case runs. It carries no password hash, no
/// session secret and no personal data beyond ids: its `Debug` can be logged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub account_id: Uuid,
    pub agency_id: Uuid,
    pub unit_id: Uuid,
    pub role: Role,
    /// The operation id of the request (`-` outside a request), captured once where the request
    /// arrives, so that use cases never read the HTTP layer's task-local.
    pub request_id: String,
}

impl Actor {
    /// The unit ids reachable in `scope`: `None` means every unit of the agency.
    pub async fn units_in(
        &self,
        app: &crate::App,
        scope: motcua_domain::access::Scope,
    ) -> Result<Option<Vec<Uuid>>, motcua_store::StoreError> {
        match scope {
            motcua_domain::access::Scope::All => Ok(None),
            motcua_domain::access::Scope::OwnUnit => {
                Ok(Some(app.org().await?.subtree(self.unit_id)))
            }
        }
    }

    /// The audit context of the changes this actor makes.
    pub fn audit_ctx(&self) -> AuditCtx {
        AuditCtx {
            agency_id: Some(self.agency_id),
            actor_id: Some(self.account_id),
            actor_role: self.role.as_str().to_owned(),
            actor_unit: Some(self.unit_id),
            request_id: self.request_id.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_actor_audits_under_its_account_role_unit_and_request() {
        let actor = Actor {
            account_id: Uuid::from_u128(1),
            agency_id: Uuid::from_u128(2),
            unit_id: Uuid::from_u128(3),
            role: Role::DeskOfficer,
            request_id: "op-1".into(),
        };
        let ctx = actor.audit_ctx();
        assert_eq!(ctx.actor_id, Some(Uuid::from_u128(1)));
        assert_eq!(ctx.agency_id, Some(Uuid::from_u128(2)));
        assert_eq!(ctx.actor_unit, Some(Uuid::from_u128(3)));
        assert_eq!(ctx.actor_role, "desk_officer");
        assert_eq!(ctx.request_id, "op-1");
    }
}
