-- Per source: its whole kept state, for `newswatch sources`.
SELECT * FROM source_state;
