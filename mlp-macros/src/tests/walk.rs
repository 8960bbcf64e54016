//! Finding things in an expansion: the file parsed back, its impls (inside
//! the `const _` scope or not), a method's or private function's body.

use super::super::*;
use quote::quote;

/// The expansion of `tokens`, parsed back as Rust.
pub fn expanded(tokens: TokenStream) -> syn::File {
    let out = expand_all(tokens);
    syn::parse2(out.clone()).unwrap_or_else(|e| panic!("not Rust: {e}\n{out}"))
}

/// Every impl of the expansion: those inside its `const _: () = { .. };`
/// scope, and any at the top level.
pub fn impls(file: &syn::File) -> Vec<&syn::ItemImpl> {
    let mut out = Vec::new();
    for item in &file.items {
        match item {
            syn::Item::Impl(imp) => out.push(imp),
            syn::Item::Const(c) => {
                if let syn::Expr::Block(block) = &*c.expr {
                    for stmt in &block.block.stmts {
                        if let syn::Stmt::Item(syn::Item::Impl(imp)) = stmt {
                            out.push(imp);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The body of the expansion's private function `name` (`trace`,
/// `batch_trace`), inside its scope.
pub fn function<'a>(file: &'a syn::File, name: &str) -> &'a syn::Block {
    for item in &file.items {
        let syn::Item::Const(c) = item else { continue };
        let syn::Expr::Block(block) = &*c.expr else {
            continue;
        };
        for stmt in &block.block.stmts {
            if let syn::Stmt::Item(syn::Item::Fn(f)) = stmt {
                if f.sig.ident == name {
                    return &f.block;
                }
            }
        }
    }
    panic!("no function `{name}`")
}

/// The inherent impl of the type named `ty`.
pub fn inherent<'a>(file: &'a syn::File, ty: &str) -> &'a syn::ItemImpl {
    impls(file)
        .into_iter()
        .find(|imp| {
            let self_ty = &imp.self_ty;
            imp.trait_.is_none() && quote!(#self_ty).to_string() == ty
        })
        .unwrap_or_else(|| panic!("no `impl {ty}`"))
}

/// The body of the generated method `name`.
pub fn method<'a>(file: &'a syn::File, name: &str) -> &'a syn::Block {
    for imp in impls(file) {
        if imp.trait_.is_some() {
            continue;
        }
        for it in &imp.items {
            if let syn::ImplItem::Fn(f) = it {
                if f.sig.ident == name {
                    return &f.block;
                }
            }
        }
    }
    panic!("no method `{name}`")
}
