-- Every topic (the taxonomy is written whole again).
DELETE FROM topics;
