//! The user's workflow: add operations to the real spec and regenerate, with no change to the
//! generator. Three new Cloudflare operations (a POST with a JSON body, a DELETE, and a GET
//! whose result is a nested object) are added to `spec/cloudflare-ssl.yaml`; the output must
//! contain their request functions and compile without warnings.

const NEW_PATHS: &str = r#"
/zones/{zone_id}/ssl/certificate_packs/order:
  post:
    operationId: order_advanced_certificate_pack
    summary: Order Advanced Certificate Manager Certificate Pack
    description: For a given zone, order an advanced certificate pack.
    parameters:
      - $ref: '#/components/parameters/ZoneId'
    requestBody:
      required: true
      content:
        application/json:
          schema:
            type: object
            required: [certificate_authority, hosts, type, validation_method, validity_days]
            properties:
              certificate_authority:
                $ref: '#/components/schemas/CertificateAuthority'
              cloudflare_branding:
                type: boolean
                description: Whether or not to add Cloudflare Branding for the order.
              hosts:
                type: array
                items: { type: string }
                description: Comma separated list of valid host names for the certificate packs.
              type:
                type: string
                enum: [advanced]
                description: Type of certificate pack.
              validation_method:
                $ref: '#/components/schemas/ValidationMethod'
              validity_days:
                $ref: '#/components/schemas/ValidityDays'
    responses:
      '200':
        description: Order Advanced Certificate Manager Certificate Pack response
        content:
          application/json:
            schema:
              allOf:
                - $ref: '#/components/schemas/ApiResponseCommon'
                - type: object
                  properties:
                    result:
                      $ref: '#/components/schemas/CertificatePack'
/zones/{zone_id}/ssl/certificate_packs/{certificate_pack_id}/delete-me:
  delete:
    operationId: delete_advanced_certificate_pack
    summary: Delete Advanced Certificate Manager Certificate Pack
    parameters:
      - $ref: '#/components/parameters/ZoneId'
      - $ref: '#/components/parameters/CertificatePackId'
    responses:
      '200':
        description: Delete Advanced Certificate Manager Certificate Pack response
        content:
          application/json:
            schema:
              allOf:
                - $ref: '#/components/schemas/ApiResponseCommon'
                - type: object
                  properties:
                    result:
                      type: object
                      properties:
                        id:
                          $ref: '#/components/schemas/Identifier'
/zones/{zone_id}/ssl/certificate_packs/quota:
  get:
    operationId: get_certificate_pack_quotas
    summary: Get Certificate Pack Quotas
    parameters:
      - $ref: '#/components/parameters/ZoneId'
    responses:
      '200':
        description: Get Certificate Pack Quotas response
        content:
          application/json:
            schema:
              allOf:
                - $ref: '#/components/schemas/ApiResponseCommon'
                - type: object
                  properties:
                    result:
                      type: object
                      properties:
                        advanced:
                          type: object
                          properties:
                            allocated:
                              type: integer
                              description: Quantity Allocated.
                            used:
                              type: integer
                              description: Quantity Used.
"#;

#[test]
fn new_operations_generate_and_compile_without_generator_changes() {
    let mut spec: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(testkit::root().join(xtask::SPEC)).unwrap()).unwrap();
    let new: serde_yaml::Mapping = serde_yaml::from_str(NEW_PATHS).unwrap();
    let paths = spec.get_mut("paths").and_then(|p| p.as_mapping_mut()).unwrap();
    for (k, v) in new {
        paths.insert(k, v);
    }
    let text = serde_yaml::to_string(&spec).unwrap();
    let files = generator::generate(&text, &testkit::options("extended spec")).unwrap_or_else(|d| panic!("{d}"));
    let ops = &files.iter().find(|f| f.path == "operations.rs").unwrap().contents;
    for needle in [
        "pub fn order_advanced_certificate_pack(",
        "body: &types::OrderAdvancedCertificatePackBody",
        "crate::rt::Method::POST, false",
        "pub fn delete_advanced_certificate_pack(",
        "crate::rt::Method::DELETE, true",
        "pub fn get_certificate_pack_quotas(",
        // The existing operations are unchanged.
        "pub fn get_certificate_pack(",
        "pub fn list_custom_trust_store(",
    ] {
        assert!(ops.contains(needle), "operations.rs lacks `{needle}`:\n{ops}");
    }
    let types = &files.iter().find(|f| f.path == "types.rs").unwrap().contents;
    assert!(types.contains("pub struct GetCertificatePackQuotasResultAdvanced"), "nested result object type:\n{types}");
    let crates = testkit::crates("extended_spec", &text, &testkit::options("extended spec")).unwrap();
    if let Err(out) = testkit::compile_crates("extended-spec", &[crates]) {
        panic!("the extended client does not compile cleanly:\n{out}");
    }
}
