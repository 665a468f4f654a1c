//! The code generator: an OpenAPI 3.0 description in, the files of the generated crates out.
//!
//! Everything happens in memory; this crate never reads or writes files (`xtask` does). The
//! folders are the pipeline's stages, and each imports only the ones before it (a test in
//! `tests/tests/architecture.rs` holds the rule; `ARCHITECTURE.md` draws it):
//!
//! 1. [`spec`]: text to a JSON tree, every problem that would make a generator panic reported
//!    together as [`Diagnostics`], then normalized so that every schema has a Rust name; also
//!    the OpenAPI facts and naming rules that every later stage shares;
//! 2. [`ir`]: the operations, with typed parameters, bodies and responses; the codegen
//!    configuration adds what the spec leaves out (a `Link` header GitHub sends), the pinned
//!    permissions say who may call each operation, then `ir::annotate` marks paginated lists
//!    and secret writes;
//! 3. the generators, which read the IR and never one another: `models` (typify, plus
//!    validating newtypes), `client` (progenitor, multi-status methods, conveniences, and the
//!    hand-written runtime from `templates/client/`), `server` (the axum crate), and
//!    [`surface`] (the reviewable API surface and the changelog between two of them);
//! 4. this file: runs the stages, the three crate generators on three threads, and puts the
//!    files together, formatted and headed by `output`.
//!
//! [`diagnostic`] and `output` (headers, formatting, manifests, snapshot excerpts, the panic
//! guard) serve every stage.

pub mod diagnostic;
pub mod ir;
pub mod spec;
pub mod surface;

mod client;
mod models;
mod output;
mod server;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{OnceLock, mpsc};

pub use diagnostic::{Diagnostic, Diagnostics};
pub use output::crates::{CrateNames, CrateVersions};
pub use spec::load::SourceFile;

/// How to generate.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Generated crates are named `{prefix}-models`, `{prefix}-client` and `{prefix}-server`.
    pub crate_prefix: String,
    /// The command named in every file's header, e.g. `cargo xtask regen`.
    pub command: String,
    /// How every file's header names the spec, when not by the [`SourceFile`]'s name (which
    /// diagnostics use): `xtask` names it there as a path that is the same on every machine.
    pub spec_name_in_headers: Option<String>,
    /// The codegen configuration file (YAML, see [`spec::config`]), if any: for the pinned spec,
    /// `spec/codegen.yaml`, which `xtask` reads.
    pub config: Option<SourceFile>,
    /// The pinned permission requirements (YAML written by `cargo xtask pin`, see
    /// [`spec::permissions`]), if any: for the pinned spec, `spec/permissions.yaml`. With them,
    /// every operation must be covered, the docs name who may call it and the server enforces
    /// it; without them, the server only requires an authenticated caller.
    pub permissions: Option<SourceFile>,
    /// Also produce [`SnapshotViews`] (`Output::views`): the code of each operation, model
    /// and validator formatted on its own, for snapshot tests. Off for regen: it parses and
    /// formats most of the generated code a second time.
    pub snapshot_views: bool,
    /// The generated crates' versions (for the pinned spec, `spec/versions.yaml`).
    pub versions: CrateVersions,
    /// Produce only the models crate, with serde's derived `Deserialize` on every struct
    /// instead of ours (see `models/deserialize.rs`): the baseline that
    /// `tests/tests/deserialize_equivalence.rs` compares our impls against. Off for everything
    /// else.
    pub serde_derive_baseline: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            crate_prefix: "github".to_owned(),
            command: "cargo xtask regen".to_owned(),
            spec_name_in_headers: None,
            config: None,
            permissions: None,
            snapshot_views: false,
            versions: CrateVersions::default(),
            serde_derive_baseline: false,
        }
    }
}

/// Everything one run produces.
#[derive(Debug, Clone)]
pub struct Output {
    /// The generated files: path relative to the output folder (`models/src/lib.rs`) -> contents.
    pub files: BTreeMap<String, String>,
    /// The intermediate representation the files were generated from.
    pub api: ir::Api,
    /// The API surface (see [`surface`]).
    pub surface: String,
    /// Number of Rust types in the models crate, including the nested ones.
    pub type_count: usize,
    /// Operations a generator had to leave out, each with the reason (non-fatal: the rest of
    /// the API is generated). Empty for the pinned spec.
    pub skipped: Vec<Diagnostic>,
    /// The operations whose client methods come from our multi-status generator.
    pub multi_status_operations: BTreeSet<String>,
    /// The per-item views, when [`Settings::snapshot_views`] asked for them.
    pub views: Option<SnapshotViews>,
}

/// The generated code cut into small pieces, each formatted on its own, so that snapshot tests
/// show a change to one operation or schema as a change to one small snapshot.
#[derive(Debug, Clone, Default)]
pub struct SnapshotViews {
    /// operationId -> the client code of that operation.
    pub operation_code: BTreeMap<String, String>,
    /// Model type name -> its definition and impls. Types typify derives for nested inline
    /// schemas extend their parent's name (`MinimalRepositoryLicense`), so they sort next to
    /// it; `(support)` holds the shared helper modules.
    pub model_code: BTreeMap<String, String>,
    /// operationId -> the server code of that operation: its trait method, request struct and
    /// parser, response enum, and handler.
    pub server_operation_code: BTreeMap<String, String>,
    /// Validator function name (`validate_snapshot`) -> its code: one per named schema that an
    /// operation's parameters or body reach.
    pub server_validation_code: BTreeMap<String, String>,
}

/// Generates the models, client and server crates for `spec`.
///
/// After the parse, the models (the longest of the three crates) run on a thread of their
/// own from `normalize` on, beside the checks (validation, the typed parse) and the IR on this
/// thread; then the client's thread joins them, and once it is done, the server and the API
/// surface on this thread. Each crate only reads the normalized spec and the IR, and its files
/// come from its own thread, in the same order every run: the output does not depend on the
/// threads.
pub fn generate(spec: &SourceFile, settings: &Settings) -> Result<Output, Diagnostics> {
    let file = spec.name.as_str();
    let tree = std::sync::Arc::new(spec::load::parse_tree(spec)?);
    let names = CrateNames::with_prefix(&settings.crate_prefix);
    // What the pipeline's steps make, for the threads to borrow as soon as it is made.
    let normalized_cell: OnceLock<spec::normalize::Normalized> = OnceLock::new();
    let shared_cell: OnceLock<(ir::Api, output::render::Header)> = OnceLock::new();
    let (checked, normalized, crates, models) = std::thread::scope(|scope| {
        // The models are the longest of the three crates, and their first steps need neither
        // the checks nor the IR: their thread normalizes the spec, converts the schemas and
        // runs typify while this thread checks the spec and builds the IR. typify waits for
        // the checks (it is not run on a spec they refuse), the rest of the models for the IR.
        let (send_normalized, normalized) = mpsc::channel::<Result<&spec::normalize::Normalized, Diagnostics>>();
        let (send_checked, checked_for_models) = mpsc::channel::<bool>();
        let (send_shared, shared_for_models) = mpsc::channel::<(&ir::Api, &output::render::Header)>();
        let models_tree = std::sync::Arc::clone(&tree);
        let normalized_cell = &normalized_cell;
        let job = JobSettings { file, names: &names, versions: &settings.versions, views: settings.snapshot_views, serde_derive_baseline: settings.serde_derive_baseline };
        let models = spawn(scope, "models", move || {
            let normalized = spec::normalize::normalize(file, &models_tree);
            drop(models_tree);
            let normalized = match normalized {
                Ok(normalized) => normalized_cell.get_or_init(|| normalized),
                Err(problems) => {
                    let _ = send_normalized.send(Err(problems));
                    return Err(Diagnostics(Vec::new()));
                }
            };
            let _ = send_normalized.send(Ok(normalized));
            let definitions = models::definitions(file, normalized);
            // A closed channel means that an earlier step failed: its problems are reported.
            if checked_for_models.recv() != Ok(true) {
                return Err(Diagnostics(Vec::new()));
            }
            let typified = models::typify(file, normalized, definitions);
            let Ok((api, header)) = shared_for_models.recv() else { return Err(Diagnostics(Vec::new())) };
            job.with(normalized, api, header).models_crate(typified?)
        });

        let checked = Diagnostics::check(spec::validate::check(file, &tree)).and_then(|()| spec::load::parse_openapi(file, &tree).map(drop));
        let _ = send_checked.send(checked.is_ok());
        drop(tree);
        // The spec's tree is gone (the models thread dropped its share after `normalize`).
        return_freed_memory();
        // The models thread's panic, if it ended without sending its result.
        let normalized = normalized.recv().unwrap_or_else(|_| Err(Diagnostics(Vec::new())));
        let crates = match (&checked, &normalized) {
            (Ok(()), Ok(normalized)) => Some(build_api(file, normalized, settings).map(|api| {
                let header = output::render::Header {
                    command: settings.command.clone(),
                    spec_name: settings.spec_name_in_headers.clone().unwrap_or_else(|| spec.name.clone()),
                    spec_sha256: spec::pin::sha256_hex(spec.text.as_bytes()),
                };
                let (api, header) = shared_cell.get_or_init(|| (api, header));
                let _ = send_shared.send((api, header));
                let job = job.with(normalized, api, header);
                let client = spawn(scope, "client", move || job.client_crate());
                // The server and the surface are short: on two cores, this thread does them
                // once the client is done, rather than take a core's share from the models
                // and the client while both run.
                let client = join(client);
                // What progenitor and the client's formatting held is free now; the models
                // are still growing on their own thread.
                return_freed_memory();
                let server = job.server_crate();
                // The surface names the operations the client's own generator handles, as the
                // client does.
                let surface = surface::render(api, &ir::multi_status_operations(api));
                (client, server, surface)
            })),
            _ => None,
        };
        drop(send_shared);
        (checked, normalized, crates, join(models))
    });
    // In pipeline order, so that a spec that fails in several places always reports the same.
    checked?;
    // A normalize that panicked (on a tree the checks accept) is reported as the models
    // thread's panic.
    if let Err(problems) = normalized {
        return Err(if problems.0.is_empty() { models.err().unwrap_or(problems) } else { problems });
    }
    // The checks and `normalize` succeeded, so the crates were generated (`None` and an empty
    // cell cannot happen here; they are not unwrapped all the same).
    let (client, server, surface) = crates.unwrap_or_else(|| Err(Diagnostics(Vec::new())))?;
    let (models, client, server) = (models?, client?, server?);
    let Some((api, header)) = shared_cell.into_inner() else { return Err(Diagnostics(Vec::new())) };

    let conveniences = client.conveniences.file(|name| models.aliases.get(name).cloned().unwrap_or_else(|| name.to_owned()))?;
    let mut files = models.files;
    files.insert("client/src/conveniences.rs".to_owned(), header.rust_file("client conveniences", conveniences)?);
    files.extend(client.files);
    files.extend(server.files);
    if settings.serde_derive_baseline {
        files.retain(|path, _| path.starts_with("models/"));
    }
    let views = settings.snapshot_views.then_some(SnapshotViews {
        operation_code: client.operation_code,
        model_code: models.model_code,
        server_operation_code: server.operation_code,
        server_validation_code: server.validation_code,
    });
    Ok(Output {
        files,
        api,
        surface,
        type_count: models.type_count,
        skipped: server.skipped,
        multi_status_operations: client.multi_status_operations,
        views,
    })
}

/// Gives the memory freed so far back to the system. glibc's malloc keeps the memory a thread
/// frees in that thread's arena, where no other thread reuses it: what the parse and the
/// client's thread freed would stay resident while the models grow on their own thread. On
/// the whole description this lowers the peak resident size from 713 to 622 MiB (BENCHMARKS.md).
/// A no-op with other allocators and systems.
fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only releases free memory of malloc's arenas; it has no
    // preconditions and may be called from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The IR of the normalized spec, with the configuration and the permissions applied.
fn build_api(file: &str, normalized: &spec::normalize::Normalized, settings: &Settings) -> Result<ir::Api, Diagnostics> {
    let mut api = ir::build(normalized);
    if let Some(config) = &settings.config {
        ir::configure::apply(config, file, &mut api)?;
    }
    if let Some(permissions) = &settings.permissions {
        ir::permissions::attach(permissions, settings.config.as_ref(), file, &mut api)?;
    }
    ir::annotate(&mut api);
    Ok(api)
}

/// What going from the spec of `old` to the spec of `new` means for the generated crates'
/// versions and on the wire (see [`surface::semver`]): both outputs as [`generate`] made them,
/// with the same settings.
pub fn evolution(old: &Output, new: &Output) -> surface::semver::Verdict {
    surface::semver::verdict(&old.api, &old.files, &new.api, &new.files)
}

/// [`evolution`] as a changelog a reviewer reads: the summary, then the API-surface changes of
/// each operation and model with the verdict of each, then the generated code's API changes.
pub fn evolution_changelog(old: &Output, new: &Output, names: &CrateNames) -> (surface::semver::Verdict, String) {
    let verdict = evolution(old, new);
    let text = surface::changelog::changelog_with_verdict(&old.surface, &new.surface, &verdict, [&names.models, &names.client, &names.server]);
    (verdict, text)
}

/// Starts a generator thread named `codegen-{name}` in `scope`, or says why it cannot.
fn spawn<'scope, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    name: &str,
    work: impl FnOnce() -> Result<T, Diagnostics> + Send + 'scope,
) -> Result<std::thread::ScopedJoinHandle<'scope, Result<T, Diagnostics>>, Diagnostics> {
    let builder = std::thread::Builder::new().name(format!("codegen-{name}")).stack_size(output::guard::GENERATOR_STACK);
    builder.spawn_scoped(scope, work).map_err(|error| {
        Diagnostics::one(Diagnostic::new(
            "(code generator)",
            "#",
            format!("cannot start the code generator's {name} thread: {error}"),
            "raise the process's thread or memory limit (`ulimit -u`, `ulimit -v`) and run again",
        ))
    })
}

/// A generator thread's result; a panic in our own code (typify's and progenitor's are caught
/// where they are called) becomes a diagnostic rather than taking the caller down.
fn join<T>(handle: Result<std::thread::ScopedJoinHandle<'_, Result<T, Diagnostics>>, Diagnostics>) -> Result<T, Diagnostics> {
    handle?.join().unwrap_or_else(|panic| {
        Err(Diagnostics::one(Diagnostic::new(
            "(code generator)",
            "#",
            format!("the generator failed: {}", output::guard::panic_message(panic.as_ref())),
            "this is a bug in the code generator; please report it with the spec",
        )))
    })
}

/// What the three crate generators share that is known before the pipeline starts.
#[derive(Clone, Copy)]
struct JobSettings<'a> {
    file: &'a str,
    names: &'a CrateNames,
    versions: &'a CrateVersions,
    views: bool,
    serde_derive_baseline: bool,
}

impl<'a> JobSettings<'a> {
    /// The job, once the normalized spec, the IR and the files' header are known.
    fn with(self, normalized: &'a spec::normalize::Normalized, api: &'a ir::Api, header: &'a output::render::Header) -> Job<'a> {
        let JobSettings { file, names, versions, views, serde_derive_baseline } = self;
        Job { file, normalized, api, names, versions, header, views, serde_derive_baseline }
    }
}

/// What the three crate generators share: read-only views of the shared steps' results.
#[derive(Clone, Copy)]
struct Job<'a> {
    file: &'a str,
    normalized: &'a spec::normalize::Normalized,
    api: &'a ir::Api,
    names: &'a CrateNames,
    versions: &'a CrateVersions,
    header: &'a output::render::Header,
    /// Whether to produce the snapshot views too.
    views: bool,
    /// [`Settings::serde_derive_baseline`].
    serde_derive_baseline: bool,
}

/// The models crate's files, and what the rest of the output needs from it.
struct ModelsCrate {
    files: BTreeMap<String, String>,
    /// Model types that are aliases of another (`models::dedup`): copy -> canonical type.
    aliases: BTreeMap<String, String>,
    type_count: usize,
    model_code: BTreeMap<String, String>,
}

/// The client crate's files, and what the rest of the output needs from it.
struct ClientCrate {
    files: BTreeMap<String, String>,
    /// Formatted once the models are known: its `SealingKey` impls need their aliases.
    conveniences: client::conveniences::Conveniences,
    multi_status_operations: BTreeSet<String>,
    operation_code: BTreeMap<String, String>,
}

/// The server crate's files, and what the rest of the output needs from it.
struct ServerCrate {
    files: BTreeMap<String, String>,
    skipped: Vec<Diagnostic>,
    operation_code: BTreeMap<String, String>,
    validation_code: BTreeMap<String, String>,
}

impl Job<'_> {
    fn models_crate(&self, typified: models::Typified) -> Result<ModelsCrate, Diagnostics> {
        let (header, names, api) = (self.header, self.names, self.api);
        let mut models = models::generate(api, self.serde_derive_baseline, typified)?;
        // The largest file by far, and formatting it is the longest step of the slowest of the
        // three crates: it gets a second thread.
        let types_rs = header.rust_file_of("models", std::mem::take(&mut models.types), 2)?;
        let constrained_rs = header.rust_source(&models.constrained);
        let uses_chrono = types_rs.contains("::chrono::");
        let uses_regress = types_rs.contains("::regress::");
        let mut files = BTreeMap::new();
        files.insert("models/Cargo.toml".to_owned(), output::crates::models_manifest(header, names, &self.versions.models, &api.title, uses_chrono, uses_regress, models.gated));
        files.insert("models/src/lib.rs".to_owned(), output::crates::models_lib(header, &api.title, &api.version, !models.constrained_names.is_empty(), uses_chrono, models.gated));
        files.insert("models/src/types.rs".to_owned(), types_rs);
        files.insert("models/src/constrained.rs".to_owned(), constrained_rs);
        files.insert("models/src/support.rs".to_owned(), header.rust_source(models::SUPPORT));
        files.insert("models/src/types/builder.rs".to_owned(), header.rust_source(&models.builders));
        if let Some(deserializers) = &models.deserializers {
            files.insert("models/src/types/deserialize.rs".to_owned(), header.rust_source(deserializers));
        }
        let model_code = if self.views { model_views(&files["models/src/types.rs"], &models) } else { BTreeMap::new() };
        Ok(ModelsCrate { files, aliases: models.aliases.clone(), type_count: models.type_names.len(), model_code })
    }

    fn client_crate(&self) -> Result<ClientCrate, Diagnostics> {
        let (header, names, api) = (self.header, self.names, self.api);
        let client = client::generate(self.file, self.normalized, api, &names.models_ident())?;
        let progenitor_rs = header.rust_source(&client.progenitor);
        let multi_status_rs = header.rust_file("multi-status client methods", client.multi_status.clone())?;
        let uses_sealing = client.conveniences.uses_sealing;
        let needs = output::crates::ClientNeeds {
            sealing: uses_sealing,
            chrono: [&progenitor_rs, &multi_status_rs].iter().any(|code| code.contains("chrono::")) || client.conveniences.mentions("chrono::"),
        };
        let mut files = BTreeMap::new();
        files.insert("client/Cargo.toml".to_owned(), output::crates::client_manifest(header, names, &self.versions.client, &api.title, needs));
        files.insert("client/src/lib.rs".to_owned(), output::crates::client_lib(header, names, &api.title, &api.version, uses_sealing));
        files.insert("client/src/progenitor.rs".to_owned(), progenitor_rs);
        files.insert("client/src/multi_status.rs".to_owned(), multi_status_rs);
        let runtime: Vec<(&str, &str)> = client::RUNTIME
            .into_iter()
            .chain(uses_sealing.then_some(client::SEALING_RUNTIME))
            .collect();
        let modules: Vec<&str> = runtime.iter().map(|(module, _)| *module).collect();
        let streams = api.operations.iter().any(|o| ir::annotate::stream_method(api, o).is_some());
        files.insert("client/src/runtime/mod.rs".to_owned(), output::crates::client_runtime_mod(header, &modules, streams));
        for (module, source) in &runtime {
            files.insert(format!("client/src/runtime/{module}.rs"), header.rust_source(source));
        }
        Ok(ClientCrate {
            files,
            operation_code: if self.views { client_views(api, &client) } else { BTreeMap::new() },
            multi_status_operations: client.multi_status_operations,
            conveniences: client.conveniences,
        })
    }

    fn server_crate(&self) -> Result<ServerCrate, Diagnostics> {
        let (header, names, api) = (self.header, self.names, self.api);
        let server = server::generate(self.file, api, &names.models_ident(), self.views)?;
        // Error bodies name the spec's documentation, as GitHub's name https://docs.github.com/rest.
        let documentation_url = self.normalized.tree["externalDocs"]["url"].as_str().map(|url| url.trim_end_matches('/'));
        let requests_rs = header.rust_file_of("server requests", server.requests, 1)?;
        // Parameters with a `date-time` (or `date`) format are `chrono` values, as in the client.
        let uses_chrono = requests_rs.contains("chrono::");
        let mut files = BTreeMap::new();
        files.insert("server/Cargo.toml".to_owned(), output::crates::server_manifest(header, names, &self.versions.server, &api.title, server.uses_regress, uses_chrono));
        files.insert("server/src/lib.rs".to_owned(), output::crates::server_lib(header, names, &api.title, &api.version, documentation_url));
        files.insert("server/src/api.rs".to_owned(), header.rust_file_of("server trait", server.api, 1)?);
        files.insert("server/src/requests.rs".to_owned(), requests_rs);
        files.insert("server/src/responses.rs".to_owned(), header.rust_file_of("server responses", server.responses, 1)?);
        files.insert("server/src/validation.rs".to_owned(), header.rust_file_of("server validators", server.validation, 1)?);
        files.insert("server/src/router.rs".to_owned(), header.rust_file_of("server router", server.router, 1)?);
        files.insert("server/src/runtime.rs".to_owned(), header.rust_source(server::RUNTIME));
        files.insert("server/src/auth.rs".to_owned(), header.rust_source(server::AUTH));
        files.insert("server/src/requirements.rs".to_owned(), header.rust_file_of("server requirements", server.requirements, 1)?);
        Ok(ServerCrate {
            files,
            skipped: server.skipped,
            operation_code: server.operation_code,
            validation_code: server.validation_code,
        })
    }
}

/// Model type name -> its code, from the models' two files (see [`SnapshotViews::model_code`]):
/// `types.rs` and `constrained.rs`.
fn model_views(types_rs: &str, models: &models::Models) -> BTreeMap<String, String> {
    let mut model_code: BTreeMap<String, String> = BTreeMap::new();
    let files = [syn::parse_file(types_rs), syn::parse_file(&models.constrained)];
    for parsed in files.into_iter().flatten() {
        for (name, code) in output::snippets::by_type(&parsed) {
            let entry = model_code.entry(name).or_default();
            if !entry.is_empty() {
                entry.push('\n');
            }
            entry.push_str(&code);
        }
    }
    model_code
}

/// operationId -> its client code: the multi-status enums, the method, and the stream and
/// plaintext conveniences built on it (see [`SnapshotViews::operation_code`]).
fn client_views(api: &ir::Api, client: &client::ClientCode) -> BTreeMap<String, String> {
    // Views are for the snapshot tests' small specs: parsing the formatted text again is cheap.
    let progenitor: Option<syn::File> = syn::parse_file(&client.progenitor).ok();
    let mut methods = progenitor.as_ref().map(output::snippets::client_methods).unwrap_or_default();
    let multi_status_file: Option<syn::File> = syn::parse2(client.multi_status.clone()).ok();
    if let Some(parsed) = &multi_status_file {
        methods.extend(output::snippets::client_methods(parsed));
    }
    if let Ok(parsed) = client.conveniences.file(str::to_owned).and_then(|tokens| syn::parse2::<syn::File>(tokens).map_err(|_| Diagnostics(Vec::new()))) {
        methods.extend(output::snippets::client_methods(&parsed));
    }
    let enums = multi_status_file.as_ref().map(output::snippets::by_type).unwrap_or_default();
    let mut operation_code = BTreeMap::new();
    for operation in &api.operations {
        let mut code = String::new();
        for suffix in ["Success", "Failure"] {
            if let Some(e) = enums.get(&format!("{}{suffix}", operation.type_base)) {
                code.push_str(e);
                code.push('\n');
            }
        }
        code.push_str(methods.get(&operation.fn_name).map(String::as_str).unwrap_or("(no client method generated)\n"));
        let extras = [ir::annotate::stream_method(api, operation), ir::annotate::plaintext_method(api, operation)];
        for extra in extras.iter().flatten() {
            if let Some(method) = methods.get(extra) {
                code.push('\n');
                code.push_str(method);
            }
        }
        operation_code.insert(operation.id.clone(), code);
    }
    operation_code
}
