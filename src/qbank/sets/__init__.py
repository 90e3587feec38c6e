"""Sets: exam sets, class sets, practice sheets and grading; hands on a written set (`sets.build.BuildResult`) and
graded responses (`sets.grade.Graded`). Nothing is imported here: building imports WeasyPrint, grading must not."""
