"""quizgen: turn Markdown course notes into flashcards, Anki decks, quizzes and exam drills."""

__version__ = "0.1.0"
