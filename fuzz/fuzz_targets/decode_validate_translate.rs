//! Raw bytes through decode → validate → translate: nothing may panic, errors
//! must point inside the input, and the stages must agree.

#![no_main]

use libfuzzer_sys::fuzz_target;
use zwasm_validate::{Features, ValidateError};

fuzz_target!(|bytes: &[u8]| {
    let features = Features::default();
    let check_offset = |error: &ValidateError| {
        assert!(
            error.offset() <= bytes.len(),
            "offset out of bounds: {error}"
        );
    };

    let decoded = zwasm_decode::decode(bytes);
    if let Err(error) = &decoded {
        assert!(error.offset <= bytes.len(), "offset out of bounds: {error}");
    }
    let validated = zwasm_validate::validate_all(bytes, &features);
    if let Err(error) = &validated {
        check_offset(error);
    }
    let compiled = zwasm_ir_stack::compile(bytes, &features);
    if let Err(error) = &compiled {
        check_offset(error);
    }

    match (&validated, &compiled) {
        (Ok(module), Ok((compiled_module, _))) => {
            assert_eq!(
                decoded.as_ref().ok(),
                Some(module),
                "decode disagrees with validate"
            );
            assert_eq!(compiled_module, module);
        }
        (Err(_), Ok(_)) => panic!("compile accepted a module that validation rejects"),
        (Ok(_), Err(error)) => assert!(
            matches!(error, ValidateError::Invalid { func: Some(_), .. }),
            "compile rejected a valid module: {error}"
        ),
        (Err(_), Err(_)) => {}
    }
});
