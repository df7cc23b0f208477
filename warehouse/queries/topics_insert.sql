-- One topic of the taxonomy: $1 topic, $2 label, $3 iptc_code, $4 parent, $5 description.
INSERT INTO topics VALUES (?, ?, ?, ?, ?);
