-- Each web source's health as the fetchers keep it (back-off, failures in a row, items).
SELECT source, last_success_at, last_error, last_error_at, consecutive_failures,
       items_seen, items_new, backoff_until
FROM source_state;
