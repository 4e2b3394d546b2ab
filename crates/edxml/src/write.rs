//! Writing packages and status messages.

use base64::Engine as _;
use quick_xml::escape::escape;

use crate::{DATE, NAMESPACE, Organ, Package, StatusMessage, TIMESTAMP};

struct Out(String);

impl Out {
    fn open(&mut self, name: &str) {
        self.0.push_str("<edXML:");
        self.0.push_str(name);
        self.0.push('>');
    }
    fn close(&mut self, name: &str) {
        self.0.push_str("</edXML:");
        self.0.push_str(name);
        self.0.push('>');
    }
    fn leaf(&mut self, name: &str, value: &str) {
        self.open(name);
        self.0.push_str(&escape(value));
        self.close(name);
    }
    fn organ(&mut self, name: &str, o: &Organ) {
        self.open(name);
        self.leaf("OrganId", &o.organ_id);
        self.leaf("OrganizationInCharge", &o.organization_in_charge);
        self.leaf("OrganName", &o.organ_name);
        self.leaf("OrganAdd", &o.organ_add);
        self.leaf("Email", &o.email);
        self.leaf("Telephone", &o.telephone);
        self.leaf("Fax", &o.fax);
        self.leaf("Website", &o.website);
        self.close(name);
    }
    fn start(&mut self) {
        self.0
            .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        self.0.push_str("<edXML:edXMLEnvelope xmlns:edXML=\"");
        self.0.push_str(NAMESPACE);
        self.0.push_str("\">");
    }
}

pub fn package(p: &Package) -> Vec<u8> {
    let h = &p.header;
    let mut o = Out(String::with_capacity(
        4096 + p
            .attachments
            .iter()
            .map(|a| a.data.len() * 4 / 3 + 256)
            .sum::<usize>(),
    ));
    o.start();
    o.open("edXMLHeader");
    o.open("MessageHeader");
    o.organ("From", &h.from);
    for to in &h.to {
        o.organ("To", to);
    }
    o.leaf("DocumentId", &h.document_id);
    o.open("Code");
    o.leaf("CodeNumber", &h.code.code_number);
    o.leaf("CodeNotation", &h.code.code_notation);
    o.close("Code");
    o.open("PromulgationInfo");
    o.leaf("Place", &h.place);
    o.leaf(
        "PromulgationDate",
        &h.promulgation_date
            .map(|d| d.format(DATE).to_string())
            .unwrap_or_default(),
    );
    o.close("PromulgationInfo");
    o.open("DocumentType");
    o.leaf("Type", &h.document_type.to_string());
    o.leaf("TypeDetail", &h.type_detail);
    o.leaf("TypeName", &h.type_name);
    o.close("DocumentType");
    o.leaf("Subject", &h.subject);
    o.leaf("Content", &h.content);
    o.open("SignerInfo");
    o.leaf("Competence", &h.signer_competence);
    o.leaf("Position", &h.signer_position);
    o.leaf("FullName", &h.signer_full_name);
    o.close("SignerInfo");
    o.leaf(
        "DueDate",
        &h.due_date
            .map(|d| d.format(DATE).to_string())
            .unwrap_or_default(),
    );
    o.open("ToPlaces");
    for place in &h.to_places {
        o.leaf("Place", place);
    }
    o.close("ToPlaces");
    o.open("OtherInfo");
    o.leaf("Priority", &h.priority.code().to_string());
    o.leaf("SphereOfPromulgation", &h.sphere_of_promulgation);
    o.leaf("TyperNotation", &h.typer_notation);
    o.leaf("PromulgationAmount", &h.promulgation_amount.to_string());
    o.leaf("PageAmount", &h.page_amount.to_string());
    o.close("OtherInfo");
    o.leaf("SteeringType", &h.steering_type.to_string());
    o.close("MessageHeader");
    o.open("TraceHeaderList");
    for t in &p.trace {
        o.open("TraceHeader");
        o.leaf("OrganId", &t.organ_id);
        o.leaf(
            "Timestamp",
            &t.timestamp
                .map(|t| t.format(TIMESTAMP).to_string())
                .unwrap_or_default(),
        );
        o.close("TraceHeader");
    }
    o.close("TraceHeaderList");
    o.close("edXMLHeader");
    o.open("edXMLBody");
    o.open("edXMLManifest");
    for a in &p.attachments {
        o.open("Reference");
        o.leaf("ContentId", &a.content_id);
        o.leaf("ContentType", &a.content_type);
        o.leaf("AttachmentName", &a.name);
        o.close("Reference");
    }
    o.close("edXMLManifest");
    o.close("edXMLBody");
    o.open("AttachmentEncoded");
    for a in &p.attachments {
        o.open("Attachment");
        o.leaf("ContentId", &a.content_id);
        o.open("ContentTransferEncoded");
        o.0.push_str(&base64::engine::general_purpose::STANDARD.encode(&a.data));
        o.close("ContentTransferEncoded");
        o.close("Attachment");
    }
    o.close("AttachmentEncoded");
    o.close("edXMLEnvelope");
    o.0.into_bytes()
}

pub fn status(s: &StatusMessage) -> Vec<u8> {
    let mut o = Out(String::with_capacity(2048));
    o.start();
    o.open("edXMLHeader");
    o.open("Status");
    o.open("ResponseFor");
    o.leaf("OrganId", &s.response_for_organ_id);
    o.leaf("Code", &s.response_for_code);
    o.leaf(
        "PromulgationDate",
        &s.response_for_date
            .map(|d| d.format(DATE).to_string())
            .unwrap_or_default(),
    );
    o.leaf("DocumentId", &s.response_for_document_id);
    o.close("ResponseFor");
    o.organ("From", &s.from);
    o.open("StaffInfo");
    o.leaf("Department", &s.staff_department);
    o.leaf("Staff", &s.staff_name);
    o.leaf("Email", &s.staff_email);
    o.leaf("Mobile", &s.staff_mobile);
    o.close("StaffInfo");
    o.leaf("StatusCode", s.status.code());
    o.leaf("Description", &s.description);
    o.leaf("Timestamp", &s.timestamp.format(TIMESTAMP).to_string());
    o.close("Status");
    o.close("edXMLHeader");
    o.close("edXMLEnvelope");
    o.0.into_bytes()
}
