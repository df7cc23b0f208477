-- How many stories the warehouse holds (the run's summary).
SELECT count(*) FROM stories;
