package dev.tfjava.course.serve.batching;

import dev.tfjava.course.serve.core.LoadedModel;
import java.util.List;
import java.util.Set;

/**
 * Which requests may share a session run: the same loaded version (by identity: a version
 * replaced while requests wait keeps its own queue until they are done), signature and outputs,
 * and inputs whose inner dimensions (all but the batch dimension) and dtypes agree, so that they
 * stack along the batch dimension without padding.
 */
record BatchKey(LoadedModel model, String signature, Set<String> outputs,
    List<String> inputShapes) {}
