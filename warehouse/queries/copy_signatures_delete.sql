-- Every copy signature (they are all computed again).
DELETE FROM copy_signatures;
