//! Who may do what: the one place where permissions are decided.
//!
//! Deny by default: a role has a permission only where [`scope`] lists it. Where a permission is
//! scoped to the user's unit, the caller resolves the unit subtree and filters by it; the web layer
//! never decides on its own. Decree 13/2023 art. 26–27 (from 1/1/2026 Law 91/2025/QH15) ask that
//! personal data be reachable only by those whose work needs it: hence unit scopes for staff and no
//! staff permission for applicants.

use crate::account::Role;

/// An action on a protected resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    /// See one's own account page and API profile.
    ViewOwnAccount,
    /// See the agency's unit tree.
    ViewOrganisation,
    /// See accounts (names, roles, units).
    ListUsers,
    /// Create accounts and change their role or unit.
    ManageUsers,
    /// Lift a lock-out after repeated failed sign-ins.
    UnlockAccounts,
    /// Read the audit trail.
    ViewAudit,
    /// Record or remove corrections of the working calendar (days off, working weekend days).
    ManageCalendar,
    /// Create, edit, publish and abolish procedures of the catalogue.
    ManageCatalog,
    /// Import a whole catalogue file (replacing versions in bulk).
    ImportCatalog,
    /// Keep the plans to review procedures and their findings (T3.3).
    ManageReviews,
    /// File a dossier online for oneself (an applicant's account).
    FileOnline,
    /// File a dossier for a walk-in applicant or record a postal hand-over (the one-stop desk).
    FileAtDesk,
    /// See dossiers and their work queue; which actions follow from `dossier::roles::may_act`.
    HandleDossiers,
    /// Read the dossier statistics (T3.4, T7.5–T7.7).
    ViewDossierStats,
    /// Export the dossier list for the reform office.
    ExportDossiers,
    /// Draft and issue official documents, keep their registers (Decree 30/2020/NĐ-CP art. 14–19).
    ManageDocuments,
    /// See the plan's targets and the scorecard (rules M1–M3: every unit answers for its targets).
    ViewScorecard,
    /// Keep the yearly reform plan and its targets (the reform office).
    ManagePlans,
    /// Write, schedule and publish the portal's news and video (portal editors).
    PublishNews,
}

impl Permission {
    pub const ALL: [Permission; 19] = [
        Self::ViewOwnAccount,
        Self::ViewOrganisation,
        Self::ListUsers,
        Self::ManageUsers,
        Self::UnlockAccounts,
        Self::ViewAudit,
        Self::ManageCalendar,
        Self::ManageCatalog,
        Self::ImportCatalog,
        Self::ManageReviews,
        Self::FileOnline,
        Self::FileAtDesk,
        Self::HandleDossiers,
        Self::ViewDossierStats,
        Self::ExportDossiers,
        Self::ManageDocuments,
        Self::ViewScorecard,
        Self::ManagePlans,
        Self::PublishNews,
    ];
}

/// How far a granted permission reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every unit of the agency.
    All,
    /// The user's own unit and the units below it.
    OwnUnit,
}

/// The reach of `perm` for `role`, or `None` when it is denied.
pub fn scope(role: Role, perm: Permission) -> Option<Scope> {
    use Permission as P;
    use Role as R;
    match (perm, role) {
        (P::ViewOwnAccount, _) => Some(Scope::All),
        (P::ViewOrganisation, r) if r.is_staff() => Some(Scope::All),
        (P::ListUsers | P::ViewAudit, R::Admin) => Some(Scope::All),
        (P::ListUsers | P::ViewAudit, R::UnitLeader) => Some(Scope::OwnUnit),
        (P::ManageUsers | P::UnlockAccounts | P::ManageCalendar | P::ImportCatalog, R::Admin) => {
            Some(Scope::All)
        }
        (P::ManageCatalog, R::Admin | R::Editor) => Some(Scope::All),
        (P::ManageReviews, R::Admin | R::ParOfficer) => Some(Scope::All),
        (P::FileOnline, R::Applicant) => Some(Scope::All),
        // The desk receives for the whole agency (Decree 61/2018 art. 8).
        (P::FileAtDesk, R::DeskOfficer) => Some(Scope::All),
        (P::HandleDossiers, R::DeskOfficer | R::Admin) => Some(Scope::All),
        (P::HandleDossiers, R::Officer | R::UnitLeader) => Some(Scope::OwnUnit),
        (P::ViewDossierStats | P::ExportDossiers, R::Admin | R::ParOfficer) => Some(Scope::All),
        (P::ViewDossierStats, R::UnitLeader) => Some(Scope::OwnUnit),
        // Officers draft for their unit; leaders sign; the office (admin) keeps the registers.
        (P::ManageDocuments, R::Admin) => Some(Scope::All),
        (P::ManageDocuments, R::Officer | R::UnitLeader) => Some(Scope::OwnUnit),
        // The plan is the whole ministry's: every member of staff sees where it stands.
        (P::ViewScorecard, r) if r.is_staff() => Some(Scope::All),
        (P::ManagePlans, R::Admin | R::ParOfficer) => Some(Scope::All),
        (P::PublishNews, R::Admin | R::Editor) => Some(Scope::All),

        _ => None,
    }
}

/// Whether `role` holds `perm` at all (in some scope).
pub fn allows(role: Role, perm: Permission) -> bool {
    scope(role, perm).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applicants_reach_nothing_of_the_staff() {
        for p in Permission::ALL {
            let expected = matches!(p, Permission::ViewOwnAccount | Permission::FileOnline);
            assert_eq!(allows(Role::Applicant, p), expected, "{p:?}");
        }
    }

    #[test]
    fn only_admins_manage_accounts() {
        for r in Role::ALL {
            assert_eq!(
                allows(r, Permission::ManageUsers),
                r == Role::Admin,
                "{r:?}"
            );
            assert_eq!(
                allows(r, Permission::UnlockAccounts),
                r == Role::Admin,
                "{r:?}"
            );
        }
    }

    #[test]
    fn unit_leaders_see_their_own_unit_only() {
        assert_eq!(
            scope(Role::UnitLeader, Permission::ListUsers),
            Some(Scope::OwnUnit)
        );
        assert_eq!(
            scope(Role::UnitLeader, Permission::ViewAudit),
            Some(Scope::OwnUnit)
        );
        assert_eq!(scope(Role::Admin, Permission::ViewAudit), Some(Scope::All));
        assert_eq!(scope(Role::Officer, Permission::ViewAudit), None);
    }
}
