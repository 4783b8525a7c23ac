//! Runs the directives of one script against a fresh zwasm store.

use std::collections::{BTreeMap, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};

use wast::token::Id;
use wast::{QuoteWat, WastDirective, WastExecute, WastInvoke, WastRet, Wat};
use zwasm::{Engine, Instance, Linker, Module, Store, Val, ValType};

use crate::messages::{ActualError, message_matches};
use crate::report::{DirectiveKind, FileReport};
use crate::spectest::define_spectest;
use crate::unsupported::unsupported_reason;
use crate::values::{arg_support, arg_to_val, check_result, describe_val, expectation_support};

/// The result of one directive.
#[derive(Debug)]
enum Outcome {
    Passed,
    Failed(String),
    Unsupported(String),
}

/// What a module directive left behind, for later directives that use it.
#[derive(Clone, Debug)]
enum Slot<T> {
    Ready(T),
    /// Rejected as out of scope; directives using it are unsupported too.
    Unsupported(String),
    /// Failed (already counted); directives using it fail too.
    Failed(String),
}

/// Why an invocation produced no values.
#[derive(Debug)]
enum InvokeError {
    Unsupported(String),
    /// The script's setup is unusable: no such module or export, or the
    /// module it names failed earlier.
    Setup(String),
    Runtime(zwasm::Error),
}

pub(crate) struct Script {
    line_starts: Vec<usize>,
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
    current: Option<Slot<Instance>>,
    instances: HashMap<String, Slot<Instance>>,
    definitions: HashMap<String, Slot<Module>>,
    last_definition: Option<Slot<Module>>,
    /// Names registered for modules that were unsupported, with the reason:
    /// a module importing from them is unsupported rather than unlinkable.
    unsupported_registrations: BTreeMap<String, String>,
}

impl Script {
    pub(crate) fn new(engine: Engine, text: &str) -> Result<Self, zwasm::Error> {
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        linker.allow_shadowing(true);
        define_spectest(&mut linker, &mut store)?;
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Ok(Script {
            line_starts,
            engine,
            store,
            linker,
            current: None,
            instances: HashMap::new(),
            definitions: HashMap::new(),
            last_definition: None,
            unsupported_registrations: BTreeMap::new(),
        })
    }

    /// Runs every directive in order, recording outcomes in `report`.
    pub(crate) fn run(&mut self, directives: Vec<WastDirective<'_>>, report: &mut FileReport) {
        for directive in directives {
            let line = self.line_of(directive.span().offset());
            let kind = kind_of(&directive);
            let outcome = catch_unwind(AssertUnwindSafe(|| self.execute(directive)));
            match outcome {
                Ok(Outcome::Passed) => {
                    if kind.is_assertion() {
                        report.passed += 1;
                    }
                }
                Ok(Outcome::Failed(message)) => report.record_failure(line, kind, message),
                Ok(Outcome::Unsupported(reason)) => report.record_unsupported(line, kind, reason),
                Err(payload) => {
                    report.panicked += 1;
                    let message = format!("panic: {}", panic_message(payload.as_ref()));
                    report.record_failure(line, kind, message);
                }
            }
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        // `line_starts[0] == 0`, so the partition point is at least 1.
        self.line_starts.partition_point(|&start| start <= offset)
    }

    fn execute(&mut self, directive: WastDirective<'_>) -> Outcome {
        match directive {
            WastDirective::Module(module) => self.module_directive(module),
            WastDirective::ModuleDefinition(module) => self.definition_directive(module),
            WastDirective::ModuleInstance {
                instance, module, ..
            } => self.instance_directive(instance, module),
            WastDirective::Register { name, module, .. } => self.register(name, module),
            WastDirective::Invoke(invoke) => match self.invoke(&invoke) {
                Ok(_) => Outcome::Passed,
                Err(InvokeError::Unsupported(reason)) => Outcome::Unsupported(reason),
                Err(InvokeError::Setup(message)) => Outcome::Failed(message),
                Err(InvokeError::Runtime(err)) => runtime_failure(&err, "invoke failed"),
            },
            WastDirective::AssertReturn { exec, results, .. } => self.assert_return(exec, &results),
            WastDirective::AssertTrap { exec, message, .. } => self.assert_trap(exec, message),
            WastDirective::AssertExhaustion { call, message, .. } => {
                self.assert_trap(WastExecute::Invoke(call), message)
            }
            WastDirective::AssertInvalid {
                module, message, ..
            } => self.assert_rejected(module, message),
            WastDirective::AssertMalformed {
                module, message, ..
            } => self.assert_rejected(module, message),
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => self.assert_unlinkable(module, message),
            WastDirective::AssertException { .. } => {
                Outcome::Unsupported("feature not supported yet: exceptions".into())
            }
            WastDirective::AssertSuspension { .. } => {
                Outcome::Unsupported("feature not supported yet: stack switching".into())
            }
            WastDirective::AssertInvalidCustom { .. }
            | WastDirective::AssertMalformedCustom { .. } => {
                Outcome::Unsupported("feature not supported yet: custom annotations".into())
            }
            WastDirective::Thread(_) | WastDirective::Wait { .. } => {
                Outcome::Unsupported("feature not supported yet: threads".into())
            }
        }
    }

    fn module_directive(&mut self, mut module: QuoteWat<'_>) -> Outcome {
        let name = module.name().map(|id| id.name().to_owned());
        let slot = match self.compile(&mut module) {
            Slot::Ready(compiled) => match self.instantiate(&compiled) {
                Ok(instance) => Slot::Ready(instance),
                Err(outcome) => slot_from_outcome(outcome, "instantiation failed"),
            },
            Slot::Unsupported(reason) => Slot::Unsupported(reason),
            Slot::Failed(message) => Slot::Failed(message),
        };
        self.set_current(name, slot)
    }

    fn definition_directive(&mut self, mut module: QuoteWat<'_>) -> Outcome {
        let name = module.name().map(|id| id.name().to_owned());
        let slot = self.compile(&mut module);
        let outcome = outcome_of_slot(&slot);
        if let Some(name) = name {
            self.definitions.insert(name, slot.clone());
        }
        self.last_definition = Some(slot);
        outcome
    }

    fn instance_directive(&mut self, instance: Option<Id<'_>>, module: Option<Id<'_>>) -> Outcome {
        let definition = match module {
            Some(id) => self.definitions.get(id.name()).cloned(),
            None => self.last_definition.clone(),
        };
        let slot = match definition {
            None => Slot::Failed("no module definition to instantiate".into()),
            Some(Slot::Ready(compiled)) => match self.instantiate(&compiled) {
                Ok(instance) => Slot::Ready(instance),
                Err(outcome) => slot_from_outcome(outcome, "instantiation failed"),
            },
            Some(Slot::Unsupported(reason)) => Slot::Unsupported(reason),
            Some(Slot::Failed(message)) => {
                Slot::Failed(format!("module definition failed earlier: {message}"))
            }
        };
        self.set_current(instance.map(|id| id.name().to_owned()), slot)
    }

    /// Makes `slot` the current module (and a named one), reporting it.
    fn set_current(&mut self, name: Option<String>, slot: Slot<Instance>) -> Outcome {
        let outcome = outcome_of_slot(&slot);
        if let Some(name) = name {
            self.instances.insert(name, slot.clone());
        }
        self.current = Some(slot);
        outcome
    }

    fn register(&mut self, as_name: &str, module: Option<Id<'_>>) -> Outcome {
        match self.lookup_instance(module) {
            Slot::Ready(instance) => {
                self.unsupported_registrations.remove(as_name);
                match self.linker.instance(&mut self.store, as_name, instance) {
                    Ok(_) => Outcome::Passed,
                    Err(err) => Outcome::Failed(format!("register failed: {err}")),
                }
            }
            Slot::Unsupported(reason) => {
                self.unsupported_registrations
                    .insert(as_name.to_owned(), reason.clone());
                Outcome::Unsupported(reason)
            }
            Slot::Failed(message) => Outcome::Failed(message),
        }
    }

    fn lookup_instance(&self, module: Option<Id<'_>>) -> Slot<Instance> {
        let found = match module {
            Some(id) => self.instances.get(id.name()),
            None => self.current.as_ref(),
        };
        match found {
            Some(Slot::Failed(message)) => {
                Slot::Failed(format!("the module failed earlier: {message}"))
            }
            Some(slot) => slot.clone(),
            None => Slot::Failed(match module {
                Some(id) => format!("no module named `${}`", id.name()),
                None => "no module has been instantiated".into(),
            }),
        }
    }

    /// Encodes and compiles a module; failures are reported in the slot.
    fn compile(&mut self, module: &mut QuoteWat<'_>) -> Slot<Module> {
        if is_component(module) {
            return Slot::Unsupported("feature not supported yet: component model".into());
        }
        let bytes = match module.encode() {
            Ok(bytes) => bytes,
            Err(err) => return Slot::Failed(format!("text format error: {}", err.message())),
        };
        // Always binary: `Module::new` would read bytes without the magic
        // (e.g. a truncated `module binary`) as text.
        match Module::from_binary(&self.engine, &bytes) {
            Ok(compiled) => Slot::Ready(compiled),
            Err(err) => match unsupported_reason(&err) {
                Some(reason) => Slot::Unsupported(reason),
                None => Slot::Failed(format!("module rejected: {}", one_line(&err))),
            },
        }
    }

    /// Instantiates through the linker; `Err` is the outcome to report.
    fn instantiate(&mut self, module: &Module) -> Result<Instance, InstantiateError> {
        if let Some(reason) = self.imports_unsupported_registration(module) {
            return Err(InstantiateError::Unsupported(reason));
        }
        self.linker
            .instantiate(&mut self.store, module)
            .map_err(|err| match unsupported_reason(&err) {
                Some(reason) => InstantiateError::Unsupported(reason),
                None => InstantiateError::Runtime(err),
            })
    }

    /// Why `module` cannot link for lack of something out of scope: an
    /// import from a module registered while unsupported, or the threads
    /// proposal's `spectest.shared_memory`, which zwasm cannot create.
    fn imports_unsupported_registration(&self, module: &Module) -> Option<String> {
        module.imports().find_map(|import| {
            if import.module() == "spectest" && import.name() == "shared_memory" {
                return Some("feature not supported yet: threads".to_owned());
            }
            self.unsupported_registrations.get(import.module()).cloned()
        })
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Vec<Val>, InvokeError> {
        for arg in &invoke.args {
            arg_support(arg).map_err(|e| InvokeError::Unsupported(e.0))?;
        }
        let instance = match self.lookup_instance(invoke.module) {
            Slot::Ready(instance) => instance,
            Slot::Unsupported(reason) => return Err(InvokeError::Unsupported(reason)),
            Slot::Failed(message) => return Err(InvokeError::Setup(message)),
        };
        let Some(func) = instance.get_func(&mut self.store, invoke.name) else {
            return Err(InvokeError::Setup(format!(
                "no exported function `{}`",
                invoke.name
            )));
        };
        let mut args = Vec::with_capacity(invoke.args.len());
        for arg in &invoke.args {
            args.push(arg_to_val(&mut self.store, arg).map_err(|e| InvokeError::Unsupported(e.0))?);
        }
        let ty = func.ty(&self.store);
        let mut results = Vec::with_capacity(ty.results.len());
        for &result in ty.results.iter() {
            results.push(
                placeholder(result)
                    .ok_or_else(|| InvokeError::Unsupported(format!("{result} values")))?,
            );
        }
        func.call(&mut self.store, &args, &mut results)
            .map_err(|err| match unsupported_reason(&err) {
                Some(reason) => InvokeError::Unsupported(reason),
                None => InvokeError::Runtime(err),
            })?;
        Ok(results)
    }

    fn get_global(&mut self, module: Option<Id<'_>>, name: &str) -> Result<Val, InvokeError> {
        let instance = match self.lookup_instance(module) {
            Slot::Ready(instance) => instance,
            Slot::Unsupported(reason) => return Err(InvokeError::Unsupported(reason)),
            Slot::Failed(message) => return Err(InvokeError::Setup(message)),
        };
        match instance.get_global(&mut self.store, name) {
            Some(global) => Ok(global.get(&mut self.store)),
            None => Err(InvokeError::Setup(format!("no exported global `{name}`"))),
        }
    }

    /// Runs an `invoke`, `get` or module execution and returns its values.
    fn execute_for_values(&mut self, exec: WastExecute<'_>) -> Result<Vec<Val>, InvokeError> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            WastExecute::Get { module, global, .. } => {
                self.get_global(module, global).map(|value| vec![value])
            }
            WastExecute::Wat(module) => {
                let compiled = match self.compile(&mut QuoteWat::Wat(module)) {
                    Slot::Ready(compiled) => compiled,
                    Slot::Unsupported(reason) => return Err(InvokeError::Unsupported(reason)),
                    Slot::Failed(message) => return Err(InvokeError::Setup(message)),
                };
                match self.instantiate(&compiled) {
                    Ok(_) => Ok(Vec::new()),
                    Err(InstantiateError::Unsupported(reason)) => {
                        Err(InvokeError::Unsupported(reason))
                    }
                    Err(InstantiateError::Runtime(err)) => Err(InvokeError::Runtime(err)),
                }
            }
        }
    }

    fn assert_return(&mut self, exec: WastExecute<'_>, expected: &[WastRet<'_>]) -> Outcome {
        for result in expected {
            if let Err(unsupported) = expectation_support(result) {
                return Outcome::Unsupported(unsupported.0);
            }
        }
        let actual = match self.execute_for_values(exec) {
            Ok(values) => values,
            Err(InvokeError::Unsupported(reason)) => return Outcome::Unsupported(reason),
            Err(InvokeError::Setup(message)) => return Outcome::Failed(message),
            Err(InvokeError::Runtime(err)) => {
                return Outcome::Failed(format!(
                    "expected a return, got error: {}",
                    one_line(&err)
                ));
            }
        };
        if actual.len() != expected.len() {
            let got: Vec<String> = actual
                .iter()
                .map(|v| describe_val(&self.store, v))
                .collect();
            return Outcome::Failed(format!(
                "expected {} results, got {} [{}]",
                expected.len(),
                actual.len(),
                got.join(", ")
            ));
        }
        let mut mismatches = Vec::new();
        for (index, (want, got)) in expected.iter().zip(&actual).enumerate() {
            match check_result(&self.store, want, got) {
                Ok(Ok(())) => {}
                Ok(Err(difference)) => mismatches.push(format!("result {index}: {difference}")),
                Err(unsupported) => return Outcome::Unsupported(unsupported.0),
            }
        }
        if mismatches.is_empty() {
            Outcome::Passed
        } else {
            Outcome::Failed(mismatches.join("; "))
        }
    }

    fn assert_trap(&mut self, exec: WastExecute<'_>, expected: &str) -> Outcome {
        match self.execute_for_values(exec) {
            Ok(values) => {
                let got: Vec<String> = values
                    .iter()
                    .map(|v| describe_val(&self.store, v))
                    .collect();
                Outcome::Failed(format!(
                    "expected trap \"{expected}\", got success [{}]",
                    got.join(", ")
                ))
            }
            Err(InvokeError::Unsupported(reason)) => Outcome::Unsupported(reason),
            Err(InvokeError::Setup(message)) => Outcome::Failed(message),
            Err(InvokeError::Runtime(err)) => expect_message(&err, expected, "trap"),
        }
    }

    /// `assert_invalid` and `assert_malformed`: any rejection passes (messages
    /// differ between implementations), except a rejection as unsupported.
    fn assert_rejected(&mut self, mut module: QuoteWat<'_>, expected: &str) -> Outcome {
        if is_component(&module) {
            return Outcome::Unsupported("feature not supported yet: component model".into());
        }
        let bytes = match module.encode() {
            Ok(bytes) => bytes,
            // Rejected by the text parser: zwasm takes binaries, and the
            // text format's malformed cases end here.
            Err(_) => return Outcome::Passed,
        };
        match Module::from_binary(&self.engine, &bytes) {
            Ok(_) => Outcome::Failed(format!(
                "expected rejection (\"{expected}\"), but the module was accepted"
            )),
            Err(err) => match unsupported_reason(&err) {
                Some(reason) => Outcome::Unsupported(reason),
                None => Outcome::Passed,
            },
        }
    }

    fn assert_unlinkable(&mut self, module: Wat<'_>, expected: &str) -> Outcome {
        let compiled = match self.compile(&mut QuoteWat::Wat(module)) {
            Slot::Ready(compiled) => compiled,
            Slot::Unsupported(reason) => return Outcome::Unsupported(reason),
            Slot::Failed(message) => return Outcome::Failed(message),
        };
        match self.instantiate(&compiled) {
            Ok(_) => Outcome::Failed(format!(
                "expected link failure \"{expected}\", but the module instantiated"
            )),
            Err(InstantiateError::Unsupported(reason)) => Outcome::Unsupported(reason),
            Err(InstantiateError::Runtime(err)) => expect_message(&err, expected, "link failure"),
        }
    }
}

/// Why instantiation failed.
#[derive(Debug)]
enum InstantiateError {
    Unsupported(String),
    Runtime(zwasm::Error),
}

fn slot_from_outcome(error: InstantiateError, context: &str) -> Slot<Instance> {
    match error {
        InstantiateError::Unsupported(reason) => Slot::Unsupported(reason),
        InstantiateError::Runtime(err) => Slot::Failed(format!("{context}: {}", one_line(&err))),
    }
}

fn outcome_of_slot<T>(slot: &Slot<T>) -> Outcome {
    match slot {
        Slot::Ready(_) => Outcome::Passed,
        Slot::Unsupported(reason) => Outcome::Unsupported(reason.clone()),
        Slot::Failed(message) => Outcome::Failed(message.clone()),
    }
}

fn runtime_failure(err: &zwasm::Error, context: &str) -> Outcome {
    Outcome::Failed(format!("{context}: {}", one_line(err)))
}

/// Compares an error against the message the script expects.
fn expect_message(err: &zwasm::Error, expected: &str, what: &str) -> Outcome {
    let full = err.to_string();
    let trap_code = err.as_trap().map(|trap| trap.code().to_string());
    let actual = ActualError {
        full: &full,
        trap_code: trap_code.as_deref(),
    };
    if message_matches(expected, &actual) {
        Outcome::Passed
    } else {
        Outcome::Failed(format!(
            "expected {what} \"{expected}\", got: {}",
            one_line(err)
        ))
    }
}

/// The first line of an error: traps append a multi-line backtrace.
fn one_line(err: &zwasm::Error) -> String {
    let text = err.to_string();
    text.lines().next().unwrap_or_default().to_owned()
}

fn placeholder(ty: ValType) -> Option<Val> {
    Some(match ty {
        ValType::I32 => Val::I32(0),
        ValType::I64 => Val::I64(0),
        ValType::F32 => Val::F32(0),
        ValType::F64 => Val::F64(0),
        ValType::FuncRef => Val::FuncRef(None),
        ValType::ExternRef => Val::ExternRef(None),
        ValType::V128 => return None,
    })
}

fn is_component(module: &QuoteWat<'_>) -> bool {
    matches!(
        module,
        QuoteWat::QuoteComponent(..) | QuoteWat::Wat(Wat::Component(_))
    )
}

fn kind_of(directive: &WastDirective<'_>) -> DirectiveKind {
    match directive {
        WastDirective::Module(_) => DirectiveKind::Module,
        WastDirective::ModuleDefinition(_) => DirectiveKind::ModuleDefinition,
        WastDirective::ModuleInstance { .. } => DirectiveKind::ModuleInstance,
        WastDirective::Register { .. } => DirectiveKind::Register,
        WastDirective::Invoke(_) => DirectiveKind::Invoke,
        WastDirective::AssertReturn { .. } => DirectiveKind::AssertReturn,
        WastDirective::AssertTrap {
            exec: WastExecute::Wat(_),
            ..
        } => DirectiveKind::AssertUninstantiable,
        WastDirective::AssertTrap { .. } => DirectiveKind::AssertTrap,
        WastDirective::AssertExhaustion { .. } => DirectiveKind::AssertExhaustion,
        WastDirective::AssertInvalid { .. } => DirectiveKind::AssertInvalid,
        WastDirective::AssertMalformed { .. } => DirectiveKind::AssertMalformed,
        WastDirective::AssertUnlinkable { .. } => DirectiveKind::AssertUnlinkable,
        WastDirective::AssertException { .. } => DirectiveKind::AssertException,
        WastDirective::AssertSuspension { .. } => DirectiveKind::AssertSuspension,
        WastDirective::AssertInvalidCustom { .. } => DirectiveKind::AssertInvalidCustom,
        WastDirective::AssertMalformedCustom { .. } => DirectiveKind::AssertMalformedCustom,
        WastDirective::Thread(_) => DirectiveKind::Thread,
        WastDirective::Wait { .. } => DirectiveKind::Wait,
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(non-string panic payload)".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_payloads_become_messages() {
        let from_str = std::panic::catch_unwind(|| panic!("plain")).unwrap_err();
        assert_eq!(panic_message(from_str.as_ref()), "plain");
        let formatted = std::panic::catch_unwind(|| panic!("value {}", 7)).unwrap_err();
        assert_eq!(panic_message(formatted.as_ref()), "value 7");
    }

    #[test]
    fn lines_are_one_based() {
        let engine = Engine::default();
        let script = match Script::new(engine, "a\nb\n\nc") {
            Ok(script) => script,
            Err(err) => panic!("spectest setup failed: {err}"),
        };
        assert_eq!(script.line_of(0), 1);
        assert_eq!(script.line_of(2), 2);
        assert_eq!(script.line_of(4), 3);
        assert_eq!(script.line_of(5), 4);
    }
}
