-- Per source: reads and articles (the source_health view), for `newswatch sources`.
SELECT * FROM source_health;
