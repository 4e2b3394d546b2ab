//! `motcua user`: create, list and unlock accounts from the command line.

use super::*;
use anyhow::Context;

pub(crate) async fn user(cmd: UserCommand, config: &Config) -> Result<(), Failure> {
    match cmd {
        UserCommand::Add {
            email,
            name,
            role,
            unit,
            password_stdin: _,
        } => {
            let role = Role::parse(&role).map_err(|e| Failure::input(e.to_string()))?;
            let email =
                Email::parse(&email).map_err(|e| Failure::input(format!("--email: {e}")))?;
            let name =
                PersonName::parse(&name).map_err(|e| Failure::input(format!("--name: {e}")))?;
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("cannot read the password from standard input")?;
            let password =
                NewPassword::parse(&line).map_err(|e| Failure::input(format!("password: {e}")))?;
            let db = connect(config).await?;
            let unit_row = motcua_store::org::find_unit(db.conn(), &unit)
                .await?
                .ok_or_else(|| {
                    Failure::input(format!("unknown unit «{unit}» (see `motcua unit list`)"))
                })?;
            if motcua_store::account::find_by_email(db.conn(), &email)
                .await?
                .is_some()
            {
                return Err(Failure::input("an account with this e-mail already exists"));
            }
            let new = motcua_store::account::NewUser {
                unit: unit_row,
                email,
                name,
                role,
                password,
            };
            let user =
                motcua_store::account::create_user(&db, &AuditCtx::system(run_id()), new).await?;
            println!("{}", user.id);
            Ok(())
        }
        UserCommand::Unlock { email } => {
            let email =
                Email::parse(&email).map_err(|e| Failure::input(format!("--email: {e}")))?;
            let db = connect(config).await?;
            let user = motcua_store::account::find_by_email(db.conn(), &email)
                .await?
                .ok_or_else(|| Failure::input("no account with this e-mail"))?;
            motcua_store::account::unlock(&db, &AuditCtx::system(run_id()), user.id).await?;
            println!("unlocked {}", user.id);
            Ok(())
        }
    }
}
