-- Signatures made with one number of permutations: $1 article ids, $2 num_perm, $3 the signatures
-- (lists zipped back into rows).
INSERT INTO copy_signatures
SELECT unnest(?::VARCHAR[]), ?, unnest(?::BLOB[]);
