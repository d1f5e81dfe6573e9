//! The documented example responses in the spec decode into the generated types and serialize
//! back to the same JSON.

use cloudflare_ssl::types::{
    CertificatePackResponseSingle, CertificatePackStatus, CertificatePackType, CustomTrustStoreResponseCollection,
    CustomTrustStoreStatus, ValidityDays,
};

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(value: &serde_json::Value) -> T {
    let decoded: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("does not decode: {e}"));
    let back = serde_json::to_value(&decoded).unwrap();
    assert!(testkit::json_eq(value, &back), "round trip changed the JSON:\n{value:#}\n---\n{back:#}");
    decoded
}

#[test]
fn certificate_pack_example_round_trips() {
    let examples =
        testkit::response_examples("/zones/{zone_id}/ssl/certificate_packs/{certificate_pack_id}", "get", "200");
    assert_eq!(examples.len(), 1);
    for (_, value) in examples {
        let decoded: CertificatePackResponseSingle = round_trip(&value);
        let pack = decoded.result;
        assert_eq!(pack.id, "023e105f4ecef8ad9ca31a8372d0c353");
        assert_eq!(pack.status, CertificatePackStatus::Initializing);
        assert_eq!(pack.type_, CertificatePackType::Universal);
        assert_eq!(pack.validity_days, Some(ValidityDays::Value14));
        assert_eq!(pack.certificates.len(), 1);
        let expires = pack.certificates[0].expires_on.unwrap();
        assert_eq!(expires.to_rfc3339(), "2024-01-01T00:00:00+00:00");
        assert_eq!(decoded.errors[0].code, 1000);
    }
}

#[test]
fn trust_store_example_round_trips() {
    let examples = testkit::response_examples("/zones/{zone_id}/acm/custom_trust_store", "get", "200");
    assert_eq!(examples.len(), 1);
    for (_, value) in examples {
        let decoded: CustomTrustStoreResponseCollection = round_trip(&value);
        let items = decoded.result.unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].status, CustomTrustStoreStatus::Active);
        assert!(items[0].certificate.starts_with("-----BEGIN CERTIFICATE-----"));
        let info = decoded.result_info.unwrap();
        assert_eq!(info.total_pages, Some(100.0));
    }
}

#[test]
fn failure_examples_decode() {
    for path in
        ["/zones/{zone_id}/ssl/certificate_packs/{certificate_pack_id}", "/zones/{zone_id}/acm/custom_trust_store"]
    {
        let examples = testkit::response_examples(path, "get", "4XX");
        assert!(!examples.is_empty(), "{path} has a 4XX example");
        for (_, value) in examples {
            let decoded: cloudflare_ssl::types::ApiResponseCommonFailure = round_trip(&value);
            assert!(!decoded.errors.is_empty());
        }
    }
}

#[test]
fn unknown_enum_values_are_kept() {
    let status: CertificatePackStatus = serde_json::from_str("\"brand_new_status\"").unwrap();
    assert_eq!(status, CertificatePackStatus::Unknown("brand_new_status".into()));
    assert_eq!(serde_json::to_string(&status).unwrap(), "\"brand_new_status\"");
    let days: ValidityDays = serde_json::from_str("45").unwrap();
    assert_eq!(days, ValidityDays::Unknown(45));
    assert_eq!(serde_json::from_str::<ValidityDays>("365").unwrap(), ValidityDays::Value365);
}
