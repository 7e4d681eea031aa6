"""Staff review: the Q&A log of every answer and the verdicts on its citations (:mod:`assistant.review.qa_log`)."""
