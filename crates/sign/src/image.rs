//! Signature and seal images (Decree 30/2020/NĐ-CP, Annex I §II.6: the signer's image is the
//! handwritten signature in blue on a transparent PNG; the organisation's is the red seal at actual
//! size on a transparent PNG). Demo images are drawn here so the demo needs no files.

use crate::SignError;

/// A decoded RGBA image.
#[derive(Debug, Clone)]
pub struct Rgba {
    pub width: u32,
    pub height: u32,
    /// Row-major RGBA, 4 bytes per pixel.
    pub pixels: Vec<u8>,
}

/// Decodes a PNG (any colour type, 8 or 16 bits) into RGBA.
pub fn decode_png(data: &[u8]) -> Result<Rgba, SignError> {
    let bad = |e: &dyn std::fmt::Display| SignError::BadImage(e.to_string());
    let mut decoder = png::Decoder::new(std::io::Cursor::new(data));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| bad(&e))?;
    let (w, h) = {
        let info = reader.info();
        (info.width, info.height)
    };
    if w == 0 || h == 0 || u64::from(w) * u64::from(h) > 4_000_000 {
        return Err(SignError::BadImage(format!(
            "kích thước {w}×{h} không hợp lệ"
        )));
    }
    let mut buf = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buf).map_err(|e| bad(&e))?;
    let buf = &buf[..frame.buffer_size()];
    let mut pixels = Vec::with_capacity((w * h * 4) as usize);
    match frame.color_type {
        png::ColorType::Rgba => pixels.extend_from_slice(buf),
        png::ColorType::Rgb => {
            for px in buf.chunks_exact(3) {
                pixels.extend_from_slice(&[px[0], px[1], px[2], 255]);
            }
        }
        png::ColorType::GrayscaleAlpha => {
            for px in buf.chunks_exact(2) {
                pixels.extend_from_slice(&[px[0], px[0], px[0], px[1]]);
            }
        }
        png::ColorType::Grayscale => {
            for px in buf {
                pixels.extend_from_slice(&[*px, *px, *px, 255]);
            }
        }
        png::ColorType::Indexed => return Err(SignError::BadImage("bảng màu chưa mở rộng".into())),
    }
    Ok(Rgba {
        width: w,
        height: h,
        pixels,
    })
}

/// Encodes RGBA as PNG.
pub fn encode_png(image: &Rgba) -> Result<Vec<u8>, SignError> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, image.width, image.height);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc
            .write_header()
            .map_err(|e| SignError::BadImage(e.to_string()))?;
        writer
            .write_image_data(&image.pixels)
            .map_err(|e| SignError::BadImage(e.to_string()))?;
    }
    Ok(out)
}

struct Canvas {
    w: u32,
    h: u32,
    alpha: Vec<f32>,
}

impl Canvas {
    fn new(w: u32, h: u32) -> Self {
        Self {
            w,
            h,
            alpha: vec![0.0; (w * h) as usize],
        }
    }
    /// A soft disc of radius `r` at (x, y).
    fn dot(&mut self, x: f32, y: f32, r: f32) {
        let (x0, x1) = (
            (x - r - 1.0).max(0.0) as u32,
            ((x + r + 1.0) as u32).min(self.w - 1),
        );
        let (y0, y1) = (
            (y - r - 1.0).max(0.0) as u32,
            ((y + r + 1.0) as u32).min(self.h - 1),
        );
        for py in y0..=y1 {
            for px in x0..=x1 {
                let d = ((px as f32 + 0.5 - x).powi(2) + (py as f32 + 0.5 - y).powi(2)).sqrt();
                let a = (r + 0.5 - d).clamp(0.0, 1.0);
                let cell = &mut self.alpha[(py * self.w + px) as usize];
                *cell = cell.max(a);
            }
        }
    }
    fn line(&mut self, (x0, y0): (f32, f32), (x1, y1): (f32, f32), r: f32) {
        let steps = ((x1 - x0).abs().max((y1 - y0).abs()) * 2.0).max(1.0) as u32;
        for i in 0..=steps {
            let t = i as f32 / steps as f32;
            self.dot(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, r);
        }
    }
    fn ring(&mut self, cx: f32, cy: f32, radius: f32, width: f32) {
        for py in 0..self.h {
            for px in 0..self.w {
                let d = ((px as f32 + 0.5 - cx).powi(2) + (py as f32 + 0.5 - cy).powi(2)).sqrt();
                let a = (width / 2.0 + 0.5 - (d - radius).abs()).clamp(0.0, 1.0);
                let cell = &mut self.alpha[(py * self.w + px) as usize];
                *cell = cell.max(a);
            }
        }
    }
    fn paint(self, rgb: [u8; 3]) -> Rgba {
        let mut pixels = Vec::with_capacity(self.alpha.len() * 4);
        for a in self.alpha {
            pixels.extend_from_slice(&[rgb[0], rgb[1], rgb[2], (a * 255.0).round() as u8]);
        }
        Rgba {
            width: self.w,
            height: self.h,
            pixels,
        }
    }
}

/// A demo handwritten signature in blue, drawn from `seed` so each demo signer's differs.
pub fn demo_signature(seed: u32) -> Rgba {
    let (w, h) = (360u32, 140u32);
    let mut c = Canvas::new(w, h);
    let s = seed as f32 * 0.37;
    let mut prev = None;
    let n = 900;
    for i in 0..=n {
        let t = i as f32 / n as f32;
        let x = 30.0 + t * 290.0;
        let y = 72.0
            + 34.0 * (t * 19.0 + s).sin() * (1.0 - t * 0.6)
            + 12.0 * (t * 47.0 + s * 2.0).sin()
            - 10.0 * t;
        let p = (x + 14.0 * (t * 31.0 + s).cos(), y);
        if let Some(q) = prev {
            c.line(q, p, 1.6);
        }
        prev = Some(p);
    }
    // The underline stroke.
    c.line((60.0, 118.0), (300.0, 104.0), 1.4);
    c.paint([0x1f, 0x3a, 0x93])
}

/// A demo round seal in red: two rings and a five-pointed star, 4 cm across at 200 dpi.
pub fn demo_seal() -> Rgba {
    let size = 316u32;
    let mut c = Canvas::new(size, size);
    let r = size as f32 / 2.0;
    c.ring(r, r, r - 6.0, 7.0);
    c.ring(r, r, r - 40.0, 2.5);
    let pts: Vec<(f32, f32)> = (0..10)
        .map(|i| {
            let ang = std::f32::consts::PI * (i as f32) / 5.0 - std::f32::consts::FRAC_PI_2;
            let rad = if i % 2 == 0 { 52.0 } else { 21.0 };
            (r + rad * ang.cos(), r + rad * ang.sin())
        })
        .collect();
    for i in 0..10 {
        c.line(pts[i], pts[(i + 1) % 10], 2.0);
    }
    // Hatching between the rings stands in for the agency's name around the edge.
    for k in 0..72 {
        let ang = std::f32::consts::TAU * k as f32 / 72.0;
        let (a, b) = (r - 34.0, r - 14.0);
        c.line(
            (r + a * ang.cos(), r + a * ang.sin()),
            (r + b * ang.cos(), r + b * ang.sin()),
            1.2,
        );
    }
    c.paint([0xd0, 0x10, 0x1e])
}
