package dev.tfjava.course.lessons;

import java.util.List;

/** Every lesson, in the course's order (the order of {@code lessons list} and {@code lessons all}). */
public final class LessonCatalog {
  private LessonCatalog() {}

  /** Fresh instances of every lesson, in order. */
  public static List<Lesson<?>> lessons() {
    return List.of(new Backpropagation(), new ConvolutionFilters(), new MnistCnn(),
        new BasicRnnLesson(), new LstmLesson(), new GruLesson(), new SequenceComparison());
  }
}
