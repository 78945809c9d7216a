use crate::session::record::{SessionRecord, SessionRecordStorePacking, SessionState};

fn round_trip(record: SessionRecord) {
    let packed = SessionRecordStorePacking::pack(record);
    assert_eq!(SessionRecordStorePacking::unpack(packed), record);
}

#[test]
fn empty_record_packs_to_zero() {
    assert_eq!(SessionRecordStorePacking::pack(Default::default()), 0);
    assert_eq!(SessionRecordStorePacking::unpack(0), Default::default());
}

#[test]
fn every_field_survives_at_its_extremes() {
    round_trip(
        SessionRecord {
            valid_until: 0xffffffffffffffff,
            max_calls: 0xffffffff,
            calls_used: 0xffffffff,
            entrypoints_len: 0xffffffff,
            generation: 0xffffffff,
            state: SessionState::Revoked,
            max_fee_units: 0xffffffff,
            epoch: 0xffffff,
            has_policy: true,
        },
    );
    round_trip(
        SessionRecord {
            valid_until: 1, max_calls: 0, calls_used: 0, entrypoints_len: 0, generation: 0, state: SessionState::Unregistered, max_fee_units: 0, epoch: 0, has_policy: false,
        },
    );
    round_trip(
        SessionRecord {
            valid_until: 0, max_calls: 0, calls_used: 0, entrypoints_len: 0, generation: 1, state: SessionState::Revoked, max_fee_units: 1, epoch: 1, has_policy: true,
        },
    );
}

#[test]
fn fields_do_not_overlap() {
    let record = SessionRecord {
        valid_until: 1_700_000_000,
        max_calls: 7,
        calls_used: 3,
        entrypoints_len: 1000,
        generation: 42,
        state: SessionState::Unregistered,
        max_fee_units: 1000,
        epoch: 3,
        has_policy: true,
    };
    round_trip(record);
    round_trip(SessionRecord { calls_used: record.calls_used + 1, ..record });
}

#[test]
fn every_state_survives() {
    for state in array![SessionState::Unregistered, SessionState::Active, SessionState::Revoked] {
        round_trip(
            SessionRecord {
                valid_until: 0xffffffffffffffff,
                max_calls: 0xffffffff,
                calls_used: 0xffffffff,
                entrypoints_len: 0xffffffff,
                generation: 0xffffffff,
                state,
                max_fee_units: 0xffffffff,
                epoch: 0xffffff,
                has_policy: true,
            },
        );
    }
}
