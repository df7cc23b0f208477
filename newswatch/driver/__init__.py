"""The pipeline driver, without Prefect: the stages of a run in order, over batches.

``stages`` holds the plain functions each stage runs (read, extract, process and load); ``pool``
extracts large batches across processes; ``derive`` computes what each article's text gives
(tags, entities, copy signatures, story features); ``runs`` records a run in ``runs``. The Prefect
flow (``newswatch.flows``) and the plain path (``run_locally``) both call these.
"""
