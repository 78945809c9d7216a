//! Admin selectors a session may never call, on any contract (the SNIP's blocklist). The
//! account itself is out of a session's reach whatever the selector; this list guards the
//! same entrypoints on other contracts the account may control.

pub fn is_blocked_selector(selector: felt252) -> bool {
    selector == selector!("upgrade")
        || selector == selector!("add_or_update_session_key")
        || selector == selector!("revoke_session_key")
        || selector == selector!("__execute__")
        || selector == selector!("set_public_key")
        || selector == selector!("setPublicKey")
        || selector == selector!("execute_from_outside_v2")
        || selector == selector!("set_spending_policy")
        || selector == selector!("remove_spending_policy")
        || selector == selector!("set_session_max_fee")
        || selector == selector!("revoke_all_sessions")
        || selector == selector!("add_session_with_policy")
}
