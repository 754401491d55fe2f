package dev.tfjava.course.train;

import org.tensorflow.DeviceSpec;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.op.Scope;

/**
 * A scope that gives the next op a full TF1 name such as {@code conv1/kernel/Adam}. TF Java's own
 * scopes refuse "/" in names and make a reused scope unique ({@code conv1_1}), so a name inside
 * the scope of an existing op cannot be reached through them; everything except the name
 * (initialisation, device, control dependencies) is the base scope's.
 */
final class ExactNameScope implements Scope {
  private final Scope base;
  private final String fullName;

  private ExactNameScope(Scope base, String fullName) {
    this.base = base;
    this.fullName = fullName;
  }

  /** A scope for one op named {@code fullName} (segments separated by "/"). */
  static ExactNameScope of(Scope base, String fullName) {
    for (String segment : fullName.split("/", -1)) {
      if (!Scope.isValidOpName(segment)) {
        throw new IllegalArgumentException("invalid op name: " + fullName);
      }
    }
    return new ExactNameScope(base, fullName);
  }

  @Override
  public ExecutionEnvironment env() {
    return base.env();
  }

  @Override
  public String makeOpName(String defaultName) {
    return fullName;
  }

  @Override
  public String makeUnique(String name) {
    return fullName;
  }

  @Override
  public Scope withInitScope() {
    return new ExactNameScope(base.withInitScope(), fullName);
  }

  @Override
  public Scope withDevice(DeviceSpec device) {
    return new ExactNameScope(base.withDevice(device), fullName);
  }

  @Override
  public Scope withControlDependencyOps(Iterable<Operation> controls) {
    return new ExactNameScope(base.withControlDependencyOps(controls), fullName);
  }

  @Override
  public Scope withName(String name) {
    return of(base, fullName.substring(0, fullName.lastIndexOf('/') + 1) + name);
  }

  @Override
  public Scope withSubScope(String name) {
    throw new UnsupportedOperationException("an exact name has no sub-scopes");
  }

  @Override
  public Scope withNameAsSubScope(String name) {
    throw new UnsupportedOperationException("an exact name has no sub-scopes");
  }

  @Override
  public void refreshNames() {
    base.refreshNames();
  }

  @Override
  public OperationBuilder apply(OperationBuilder builder) {
    return base.apply(builder);
  }

  @Override
  public String getDeviceString() {
    return base.getDeviceString();
  }

  @Override
  public boolean isInit() {
    return base.isInit();
  }
}
