"""LMS exports (`qbank export`): Moodle XML, QTI 2.1 and Canvas QTI 1.2, produced through the one producer."""
