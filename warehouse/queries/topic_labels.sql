-- Each topic's label, for the digest.
SELECT topic, label FROM topics;
