//! The AWS CLI's customization of Lambda's `--zip-file` (awscli's `customizations/awslambda.py`):
//! `create-function --zip-file fileb://PATH` is hoisted into `Code.ZipFile`, `--code` becomes
//! optional and refuses a `ZipFile` member, and both `create-function` and `update-function-code`
//! refuse a `--zip-file` whose bytes are not a .zip archive, before any request (rule
//! LAMBDA-CLI-ZIP-FILE).

use super::cli::UsageError;
use crate::service::Operation;
use serde_json::{Map, Value};

/// The CLI's message for a `--zip-file` that is not a .zip archive.
const NOT_A_ZIP: &str =
    "--zip-file must be a zip file with the fileb:// prefix.\nExample usage:  --zip-file fileb://path/to/file.zip";

/// Applies the customization to the parameters of `op` read from the command line (blobs in
/// base64). `cli_input` says whether `--cli-input-json`/`--cli-input-yaml` will add members, in
/// which case botocore's own validation after the merge reports a missing `Code`.
pub fn hoist_zip_file(op: &Operation, params: &mut Map<String, Value>, cli_input: bool) -> Result<(), UsageError> {
    if op.service != "lambda" || !matches!(op.name, "CreateFunction" | "UpdateFunctionCode") {
        return Ok(());
    }
    // The CLI's errors are its ParamValidationError, printed after an empty line.
    let refuse = |message: &str| Err(UsageError::Client(format!("\n{message}")));
    if let Some(zip) = params.get("ZipFile").and_then(Value::as_str) {
        let bytes = crate::pages::base64_decode(zip).unwrap_or_default();
        if !crate::lambda::is_zip(&bytes) {
            return refuse(NOT_A_ZIP);
        }
    }
    if op.name != "CreateFunction" {
        return Ok(());
    }
    if params.get("Code").and_then(|c| c.get("ZipFile")).is_some() {
        return refuse(
            "ZipFile cannot be provided as part of the --code argument.  Please use the '--zip-file' option instead to specify a zip file.",
        );
    }
    if let Some(zip) = params.remove("ZipFile") {
        let code = params.entry("Code").or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(code) = code {
            code.insert("ZipFile".into(), zip);
        }
    }
    if !params.contains_key("Code") && !cli_input {
        return refuse("Parameter validation failed:\nMissing required parameter in input: \"Code\"");
    }
    Ok(())
}
