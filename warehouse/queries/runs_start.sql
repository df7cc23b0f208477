-- A run begins. $1 run_id, $2 flow_run_id, $3 command, $4 started_at, $5 status.
INSERT INTO runs (run_id, flow_run_id, command, started_at, status) VALUES (?, ?, ?, ?, ?);
