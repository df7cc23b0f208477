-- What the copy index must have seen to be current: how many articles, and their latest write.
SELECT count(*), max(updated_at) FROM articles;
