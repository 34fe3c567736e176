//! The XMP metadata packet of the archived brief, and the dates in both of PDF's forms.
//!
//! PDF/A asks that the document information dictionary and the XMP packet say the same: the
//! packet is written from the same values, with its identifications: PDF/A-2a and PDF/UA-1.

use super::Metadata;
use crate::chart::xml_escape as escape;
use chrono::{DateTime, TimeZone};

/// What the packet says besides the brief's own metadata.
pub struct Stamp<'a> {
    pub producer: &'a str,
    pub creator_tool: &'a str,
    /// `2026-12-07T01:30:00+01:00`.
    pub date: &'a str,
}

/// The XMP packet (ISO 16684-1) with the PDF/A and PDF/UA identifications (the latter's schema
/// declared as PDF/A asks of a schema it does not predefine), Dublin Core title, creator,
/// description and language, and the producer and dates of the information dictionary.
pub fn packet(metadata: &Metadata, stamp: &Stamp) -> String {
    let title = escape(&metadata.title);
    let author = escape(&metadata.author);
    let subject = escape(&metadata.subject);
    let producer = escape(stamp.producer);
    let tool = escape(stamp.creator_tool);
    let date = escape(stamp.date);
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
 <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
  <rdf:Description rdf:about=\"\"\n\
    xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"\n\
    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n\
    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n\
    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n\
    xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n\
   <pdfaid:part>2</pdfaid:part>\n\
   <pdfaid:conformance>A</pdfaid:conformance>\n\
   <pdfuaid:part>1</pdfuaid:part>\n\
   <dc:format>application/pdf</dc:format>\n\
   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n\
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>\n\
   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{subject}</rdf:li></rdf:Alt></dc:description>\n\
   <dc:language><rdf:Bag><rdf:li>nl</rdf:li></rdf:Bag></dc:language>\n\
   <pdf:Producer>{producer}</pdf:Producer>\n\
   <xmp:CreatorTool>{tool}</xmp:CreatorTool>\n\
   <xmp:CreateDate>{date}</xmp:CreateDate>\n\
   <xmp:ModifyDate>{date}</xmp:ModifyDate>\n\
   <xmp:MetadataDate>{date}</xmp:MetadataDate>\n\
  </rdf:Description>\n\
  <rdf:Description rdf:about=\"\"\n\
    xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\"\n\
    xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\"\n\
    xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n\
   <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n\
    <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\n\
    <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\n\
    <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\n\
    <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">\n\
     <pdfaProperty:name>part</pdfaProperty:name>\n\
     <pdfaProperty:valueType>Integer</pdfaProperty:valueType>\n\
     <pdfaProperty:category>internal</pdfaProperty:category>\n\
     <pdfaProperty:description>Part of ISO 14289 the file conforms to</pdfaProperty:description>\n\
    </rdf:li></rdf:Seq></pdfaSchema:property>\n\
   </rdf:li></rdf:Bag></pdfaExtension:schemas>\n\
  </rdf:Description>\n\
 </rdf:RDF>\n\
</x:xmpmeta>\n\
<?xpacket end=\"w\"?>"
    )
}

/// A moment as XMP writes it: `2026-12-07T01:30:00+01:00`.
pub fn xmp_date<Tz: TimeZone>(at: &DateTime<Tz>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    at.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// The same moment as a PDF date: `D:20261207013000+01'00'`.
pub fn pdf_date<Tz: TimeZone>(at: &DateTime<Tz>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    let offset = at.format("%:z").to_string();
    let (hours, minutes) = offset.split_once(':').unwrap_or((&offset, "00"));
    format!("D:{}{hours}'{minutes}'", at.format("%Y%m%d%H%M%S"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    #[test]
    fn the_packet_identifies_pdfa_2a_and_escapes_the_metadata() {
        let metadata = Metadata {
            title: "Terug het systeem in — 3e kwartaal <2026>".into(),
            author: "Wijken & partners".into(),
            subject: "Barrières".into(),
        };
        let stamp = Stamp {
            producer: "Knooppunt",
            creator_tool: "Chromium",
            date: "2026-12-07T01:30:00+01:00",
        };
        let xml = packet(&metadata, &stamp);
        assert_eq!(
            super::super::pdfa_identification(xml.as_bytes()),
            Some((2, "A".into()))
        );
        assert!(xml.contains("<pdfuaid:part>1</pdfuaid:part>"));
        assert!(xml.contains("<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"));
        assert!(xml.contains(">Terug het systeem in — 3e kwartaal &lt;2026&gt;<"));
        assert!(xml.contains("<rdf:li>Wijken &amp; partners</rdf:li>"));
        assert!(xml.contains("Barrières"));
        assert!(xml.starts_with("<?xpacket begin=\"\u{feff}\""));
        assert!(xml.ends_with("<?xpacket end=\"w\"?>"));
    }

    #[test]
    fn dates_in_both_forms_keep_their_offset() {
        let at = FixedOffset::east_opt(3600)
            .unwrap()
            .with_ymd_and_hms(2026, 12, 7, 1, 30, 5)
            .unwrap();
        assert_eq!(xmp_date(&at), "2026-12-07T01:30:05+01:00");
        assert_eq!(pdf_date(&at), "D:20261207013005+01'00'");
    }
}
