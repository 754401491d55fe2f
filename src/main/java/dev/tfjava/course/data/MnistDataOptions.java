package dev.tfjava.course.data;

import dev.tfjava.course.CourseException;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * Where the MNIST lesson's data comes from (a picocli mixin): which data set, and the folder,
 * cache, download and embedded-sample fallbacks {@link MnistSource} tries in turn.
 */
public final class MnistDataOptions {

  @Option(names = "--dataset", defaultValue = "mnist", paramLabel = "mnist|fashion-mnist",
      converter = VariantConverter.class,
      description = "Which data set (default: ${DEFAULT-VALUE}).")
  MnistVariant dataset;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Folder with the four IDX files (train-images-idx3-ubyte.gz, ...; .gz or raw)."
          + " Default: the cache, then (Fashion-MNIST) /usr/share/datasets, then a download, then"
          + " the embedded 2,500-digit sample.")
  Path data;

  @Option(names = "--cache", paramLabel = "DIR",
      description = "Cache root for downloads (default: $" + MnistSource.CACHE_ENV
          + ", else ~/.cache/tfjava-course); files go to DIR/<dataset>.")
  Path cache;

  @Option(names = "--offline",
      description = "Never try to download (MNIST then falls back to the embedded sample).")
  boolean offline;

  /**
   * The notebook's {@code input_data.read_data_sets}: finds the files these options name,
   * validates and loads them, split into train, validation and test.
   */
  public MnistDataset load() {
    Path cacheRoot = cache != null ? cache : MnistSource.defaultCacheRoot();
    MnistSource source = MnistSource.standard(dataset, cacheRoot, !offline, System.err);
    return MnistDataset.load(dataset, source.locate(data));
  }

  /** Picocli converter for {@code --dataset}. */
  static final class VariantConverter implements ITypeConverter<MnistVariant> {
    @Override
    public MnistVariant convert(String value) {
      try {
        return MnistVariant.parse(value);
      } catch (CourseException e) {
        throw new TypeConversionException("'" + value
            + "' is not a data set: choose mnist or fashion-mnist");
      }
    }
  }
}
