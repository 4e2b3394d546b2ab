//! The objects an incremental update writes for a visible signature: the update itself, the
//! signature image as an XObject and the widget's appearance stream.

use super::*;

pub(super) struct Update {
    /// Objects written in this update, by id (generation kept for updated ones).
    pub(super) objects: Vec<(ObjectId, Vec<u8>)>,
    pub(super) next_id: u32,
}

impl Update {
    pub(super) fn new_id(&mut self) -> ObjectId {
        let id = (self.next_id, 0);
        self.next_id += 1;
        id
    }
    pub(super) fn put(&mut self, id: ObjectId, object: &Object) -> Result<(), SignError> {
        let mut body = Vec::new();
        Writer::write_object(&mut body, object).map_err(|e| SignError::Crypto(e.to_string()))?;
        self.objects.push((id, body));
        Ok(())
    }
}

pub(super) fn deref<'a>(
    doc: &'a Document,
    obj: &'a Object,
) -> Result<(Option<ObjectId>, &'a Object), SignError> {
    doc.dereference(obj).map_err(|e| damaged(e.to_string()))
}

/// The image as an Image XObject with its alpha as a soft mask, both Flate-compressed.
pub(super) fn image_objects(update: &mut Update, image: &Rgba) -> Result<ObjectId, SignError> {
    use flate2::{Compression, write::ZlibEncoder};
    let mut rgb = Vec::with_capacity(image.pixels.len() / 4 * 3);
    let mut alpha = Vec::with_capacity(image.pixels.len() / 4);
    for px in image.pixels.chunks_exact(4) {
        rgb.extend_from_slice(&px[..3]);
        alpha.push(px[3]);
    }
    let deflate = |data: &[u8]| -> Result<Vec<u8>, SignError> {
        let mut enc = ZlibEncoder::new(Vec::new(), Compression::default());
        enc.write_all(data)
            .map_err(|e| SignError::BadImage(e.to_string()))?;
        enc.finish().map_err(|e| SignError::BadImage(e.to_string()))
    };
    let mask_id = update.new_id();
    let mut mask = Dictionary::new();
    mask.set("Type", Object::Name(b"XObject".to_vec()));
    mask.set("Subtype", Object::Name(b"Image".to_vec()));
    mask.set("Width", image.width as i64);
    mask.set("Height", image.height as i64);
    mask.set("ColorSpace", Object::Name(b"DeviceGray".to_vec()));
    mask.set("BitsPerComponent", 8);
    mask.set("Filter", Object::Name(b"FlateDecode".to_vec()));
    let mask = lopdf::Stream::new(mask, deflate(&alpha)?).with_compression(false);
    update.put(mask_id, &Object::Stream(mask))?;

    let img_id = update.new_id();
    let mut img = Dictionary::new();
    img.set("Type", Object::Name(b"XObject".to_vec()));
    img.set("Subtype", Object::Name(b"Image".to_vec()));
    img.set("Width", image.width as i64);
    img.set("Height", image.height as i64);
    img.set("ColorSpace", Object::Name(b"DeviceRGB".to_vec()));
    img.set("BitsPerComponent", 8);
    img.set("Filter", Object::Name(b"FlateDecode".to_vec()));
    img.set("SMask", Object::Reference(mask_id));
    let img = lopdf::Stream::new(img, deflate(&rgb)?).with_compression(false);
    update.put(img_id, &Object::Stream(img))?;
    Ok(img_id)
}

/// The widget's normal appearance: the image fitted into the rectangle, or nothing.
pub(super) fn appearance_stream(
    update: &mut Update,
    width: f32,
    height: f32,
    image: Option<&Rgba>,
) -> Result<ObjectId, SignError> {
    let mut resources = Dictionary::new();
    let mut content = Vec::new();
    if let Some(image) = image {
        let img_id = image_objects(update, image)?;
        let mut xobjects = Dictionary::new();
        xobjects.set("Im0", Object::Reference(img_id));
        resources.set("XObject", Object::Dictionary(xobjects));
        let scale = (width / image.width as f32).min(height / image.height as f32);
        let (w, h) = (image.width as f32 * scale, image.height as f32 * scale);
        let (x, y) = ((width - w) / 2.0, (height - h) / 2.0);
        content = format!("q {w:.3} 0 0 {h:.3} {x:.3} {y:.3} cm /Im0 Do Q").into_bytes();
    }
    let id = update.new_id();
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"XObject".to_vec()));
    dict.set("Subtype", Object::Name(b"Form".to_vec()));
    dict.set(
        "BBox",
        Object::Array(vec![
            0.into(),
            0.into(),
            Object::Real(width),
            Object::Real(height),
        ]),
    );
    dict.set("Resources", Object::Dictionary(resources));
    let stream = lopdf::Stream::new(dict, content).with_compression(false);
    update.put(id, &Object::Stream(stream))?;
    Ok(id)
}
