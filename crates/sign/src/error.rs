//! Errors with a reason a person can act on (in Vietnamese) and a stable machine code.

/// Why signing, verifying or importing failed. `Display` is the Vietnamese message shown beside the
/// field or printed by the CLI; [`SignError::code`] is the stable code for the API envelope.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("Tệp không phải là PDF (thiếu phần đầu %PDF-).")]
    NotPdf,
    #[error("Tệp PDF bị hỏng hoặc bị cắt cụt: {0}")]
    DamagedPdf(String),
    #[error("Tệp PDF được mã hoá bằng mật khẩu; hãy gỡ mã hoá trước khi ký.")]
    EncryptedPdf,
    #[error("Không đọc được tệp PKCS#12: {0}")]
    BadPkcs12(String),
    #[error("Mật khẩu của tệp PKCS#12 không đúng.")]
    WrongPassword,
    #[error("Tệp PKCS#12 không có khoá bí mật đi cùng chứng thư số.")]
    NoKeyInPkcs12,
    #[error("Chứng thư số đã hết hạn (hiệu lực đến {0}).")]
    CertificateExpired(String),
    #[error("Chứng thư số chưa đến ngày hiệu lực (từ {0}).")]
    CertificateNotYetValid(String),
    #[error("Chứng thư số đã bị thu hồi.")]
    CertificateRevoked,
    #[error("Chứng thư số không được phép dùng để ký (thiếu mục đích chữ ký số / chống chối bỏ).")]
    KeyUsage,
    #[error("Thuật toán không được hỗ trợ: {0}")]
    Unsupported(String),
    #[error("Khoá bí mật không khớp với chứng thư số.")]
    KeyMismatch,
    #[error("Ảnh chữ ký không đọc được (cần PNG): {0}")]
    BadImage(String),
    #[error("Trang {0} không có trong tài liệu.")]
    NoSuchPage(usize),
    #[error("Chữ ký quá lớn so với chỗ dành sẵn ({0} byte).")]
    SignatureTooLarge(usize),
    #[error("Lỗi mật mã: {0}")]
    Crypto(String),
}

impl SignError {
    /// A stable machine-readable code for the API's error envelope.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotPdf => "not_pdf",
            Self::DamagedPdf(_) => "damaged_pdf",
            Self::EncryptedPdf => "encrypted_pdf",
            Self::BadPkcs12(_) => "bad_pkcs12",
            Self::WrongPassword => "wrong_password",
            Self::NoKeyInPkcs12 => "no_key",
            Self::CertificateExpired(_) => "certificate_expired",
            Self::CertificateNotYetValid(_) => "certificate_not_yet_valid",
            Self::CertificateRevoked => "certificate_revoked",
            Self::KeyUsage => "key_usage",
            Self::Unsupported(_) => "unsupported_algorithm",
            Self::KeyMismatch => "key_mismatch",
            Self::BadImage(_) => "bad_image",
            Self::NoSuchPage(_) => "no_such_page",
            Self::SignatureTooLarge(_) => "signature_too_large",
            Self::Crypto(_) => "crypto",
        }
    }
}

impl From<der::Error> for SignError {
    fn from(e: der::Error) -> Self {
        Self::Crypto(e.to_string())
    }
}

impl From<pkcs8::Error> for SignError {
    fn from(e: pkcs8::Error) -> Self {
        Self::Crypto(e.to_string())
    }
}
