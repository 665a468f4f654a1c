//! progenitor's methods read bodies with `ResponseValue::from_response`, whose error for a body
//! that does not fit says only "line 1 column 239", and which turns a documented error status
//! with an unexpected body into an error without its status. The methods are rewritten to call
//! the runtime's readers (`templates/client/responses.rs`) instead, as the multi-status methods
//! do: a success body that does not fit names the operation, the status and the JSON path; an
//! error body that does not fit its documented type keeps its status, headers and body.

use std::collections::BTreeMap;

use syn::visit_mut::VisitMut;

use crate::ir::Api;

/// The operations by the name of their method: progenitor's methods are named as ours
/// ([`crate::ir::Operation::fn_name`]).
pub fn operation_ids(api: &Api) -> BTreeMap<&str, &str> {
    api.operations.iter().map(|o| (o.fn_name.as_str(), o.id.as_str())).collect()
}

/// Replaces `ResponseValue::from_response` in `method`, a member of progenitor's inherent
/// `impl Client`, if it is an operation's (`operation_ids`, from [`operation_ids`]).
pub fn use_runtime_readers(method: &mut syn::ImplItemFn, operation_ids: &BTreeMap<&str, &str>) {
    if let Some(operation_id) = operation_ids.get(method.sig.ident.to_string().as_str()) {
        Readers { operation_id }.visit_block_mut(&mut method.block);
    }
}

struct Readers<'a> {
    operation_id: &'a str,
}

impl VisitMut for Readers<'_> {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        // `Err(Error::ErrorResponse(ResponseValue::from_response(response).await?))`: a
        // documented error, whose body may not match its type.
        if let Some(response) = documented_error_read(expr) {
            *expr = syn::parse_quote! { Err(crate::runtime::read_documented_error(#response, ::std::convert::identity).await) };
            return;
        }
        // `ResponseValue::from_response(response)`: a documented success.
        if let syn::Expr::Call(call) = expr
            && is_from_response(&call.func)
            && let Some(response) = call.args.first().cloned()
        {
            let operation_id = self.operation_id;
            *expr = syn::parse_quote! { crate::runtime::read_json(#response, #operation_id) };
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// The `response` of `Err(Error::ErrorResponse(ResponseValue::from_response(response).await?))`.
fn documented_error_read(expr: &syn::Expr) -> Option<syn::Expr> {
    let syn::Expr::Call(err) = expr else { return None };
    let is = |func: &syn::Expr, name: &str| matches!(func, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name));
    if !is(&err.func, "Err") || err.args.len() != 1 {
        return None;
    }
    let syn::Expr::Call(wrap) = &err.args[0] else { return None };
    if !is(&wrap.func, "ErrorResponse") || wrap.args.len() != 1 {
        return None;
    }
    let syn::Expr::Try(tried) = &wrap.args[0] else { return None };
    let syn::Expr::Await(awaited) = &*tried.expr else { return None };
    let syn::Expr::Call(read) = &*awaited.base else { return None };
    (is_from_response(&read.func) && read.args.len() == 1).then(|| read.args[0].clone())
}

/// Whether `func` is `ResponseValue::from_response` (with or without turbofish).
fn is_from_response(func: &syn::Expr) -> bool {
    let syn::Expr::Path(path) = func else { return false };
    let names: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
    names.ends_with(&["ResponseValue".to_owned(), "from_response".to_owned()])
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::*;

    #[test]
    fn success_reads_name_the_operation_and_error_reads_keep_the_status() {
        let mut block: syn::Block = syn::parse_quote! {{
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                404u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }};
        Readers { operation_id: "a/get" }.visit_block_mut(&mut block);
        let code = block.to_token_stream().to_string();
        assert!(code.contains("200u16 => crate :: runtime :: read_json (response , \"a/get\") . await"), "{code}");
        assert!(code.contains("404u16 => Err (crate :: runtime :: read_documented_error (response , :: std :: convert :: identity) . await)"), "{code}");
        assert!(!code.contains("from_response"), "{code}");
    }
}
