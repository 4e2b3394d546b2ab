//! Uploads: files sent before a filing or an action, stored with their digest and claimed by the
//! dossier in the transaction that records it.

use super::*;

#[derive(Clone)]
pub struct NewUpload {
    pub agency_id: Uuid,
    pub owner_id: Option<Uuid>,
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// An upload without its content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadMeta {
    pub id: Uuid,
    pub agency_id: Uuid,
    pub owner_id: Option<Uuid>,
    pub dossier_id: Option<Uuid>,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

pub async fn save_upload(db: &Db, ctx: &AuditCtx, new: NewUpload) -> Result<UploadMeta> {
    let txn = db.begin_write().await?;
    let meta = insert_upload(db, &txn, ctx, new).await?;
    txn.commit().await?;
    Ok(meta)
}

/// Stores an upload inside the caller's transaction; audited.
pub(crate) async fn insert_upload(
    db: &Db,
    txn: &DatabaseTransaction,
    ctx: &AuditCtx,
    new: NewUpload,
) -> Result<UploadMeta> {
    let sha = hex::encode(Sha256::digest(&new.content));
    let size = i64::try_from(new.content.len()).unwrap_or(i64::MAX);
    let id = Uuid::now_v7();
    upload::ActiveModel {
        id: Set(id),
        agency_id: Set(new.agency_id),
        owner_id: Set(new.owner_id),
        dossier_id: Set(None),
        file_name: Set(new.file_name.clone()),
        content_type: Set(new.content_type.clone()),
        size: Set(size),
        sha256: Set(sha.clone()),
        content: Set(new.content),
        created_at: Set(Utc::now()),
    }
    .insert(txn)
    .await?;
    audit::append(
        db,
        txn,
        ctx,
        Change {
            action: "upload.create",
            object_type: "upload",
            object_id: id.to_string(),
            before: Json::Null,
            after: json!({ "size": size, "sha256": sha, "content_type": new.content_type }),
        },
    )
    .await?;
    Ok(UploadMeta {
        id,
        agency_id: new.agency_id,
        owner_id: new.owner_id,
        dossier_id: None,
        file_name: new.file_name,
        content_type: new.content_type,
        size,
        sha256: sha,
    })
}

pub(super) type UploadRow = (
    Uuid,
    Uuid,
    Option<Uuid>,
    Option<Uuid>,
    String,
    String,
    i64,
    String,
);

pub async fn upload_meta(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<UploadMeta>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<UploadRow> = upload::Entity::find()
        .select_only()
        .columns([
            upload::Column::Id,
            upload::Column::AgencyId,
            upload::Column::OwnerId,
            upload::Column::DossierId,
            upload::Column::FileName,
            upload::Column::ContentType,
            upload::Column::Size,
            upload::Column::Sha256,
        ])
        .filter(upload::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, agency_id, owner_id, dossier_id, file_name, content_type, size, sha256)| {
                UploadMeta {
                    id,
                    agency_id,
                    owner_id,
                    dossier_id,
                    file_name,
                    content_type,
                    size,
                    sha256,
                }
            },
        )
        .collect())
}

pub async fn uploads_of(conn: &impl ConnectionTrait, dossier_id: Uuid) -> Result<Vec<UploadMeta>> {
    let ids: Vec<Uuid> = upload::Entity::find()
        .select_only()
        .column(upload::Column::Id)
        .filter(upload::Column::DossierId.eq(dossier_id))
        .order_by_asc(upload::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    upload_meta(conn, &ids).await
}

pub async fn upload_content(conn: &impl ConnectionTrait, id: Uuid) -> Result<upload::Model> {
    upload::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Attach unclaimed uploads to a dossier; every id must be the caller's agency's and unclaimed.
pub(super) async fn claim_uploads(
    txn: &DatabaseTransaction,
    agency_id: Uuid,
    dossier_id: Uuid,
    ids: &[Uuid],
) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let res = upload::Entity::update_many()
        .col_expr(upload::Column::DossierId, Expr::value(dossier_id))
        .filter(upload::Column::Id.is_in(ids.iter().copied()))
        .filter(upload::Column::AgencyId.eq(agency_id))
        .filter(upload::Column::DossierId.is_null())
        .exec(txn)
        .await?;
    if res.rows_affected != ids.len() as u64 {
        return Err(StoreError::UploadsUnavailable);
    }
    Ok(())
}
