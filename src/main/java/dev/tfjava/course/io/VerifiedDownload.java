package dev.tfjava.course.io;

import dev.tfjava.course.console.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Downloads one file from the first mirror that serves it with the expected MD5. The bytes go to a
 * hidden temporary file beside the target, are checked, and only then renamed to the target: a
 * failed, corrupt or interrupted download never leaves a file under the target's name.
 * Works for {@code http(s)://} and {@code file://} URLs (the latter for tests and local mirrors).
 */
public final class VerifiedDownload {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  private static final int KIB = 1024;

  private VerifiedDownload() {}

  /**
   * Downloads {@code fileName} from the first of {@code mirrors} (base URLs ending in {@code /})
   * whose copy has MD5 {@code md5}, to {@code target}.
   *
   * @throws IOException naming every mirror tried and why it failed
   */
  public static void download(List<URI> mirrors, String fileName, String md5, Path target)
      throws IOException {
    List<String> failures = new ArrayList<>();
    for (URI mirror : mirrors) {
      URI url = mirror.resolve(fileName);
      try {
        fetch(url, md5, target);
        return;
      } catch (IOException e) {
        failures.add(url + ": " + e.getMessage());
      }
    }
    throw new IOException("could not download " + fileName + " (" + String.join("; ", failures) + ")");
  }

  /** Downloads one URL to {@code target} if its MD5 matches; nothing is left behind otherwise. */
  static void fetch(URI url, String md5, Path target) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temp = Files.createTempFile(parent, "." + target.getFileName() + ".", ".part");
    try {
      URLConnection connection = url.toURL().openConnection();
      connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
      connection.setReadTimeout((int) READ_TIMEOUT.toMillis());
      MessageDigest digest = md5Digest();
      long length = connection.getContentLengthLong();
      try (InputStream in = new DigestInputStream(connection.getInputStream(), digest);
          OutputStream out = Files.newOutputStream(temp);
          Progress progress = Progress.start("Downloading " + target.getFileName(),
              length > 0 ? (length + KIB - 1) / KIB : -1, "KiB")) {
        byte[] buffer = new byte[64 * KIB];
        long done = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
          out.write(buffer, 0, n);
          long before = done / KIB;
          done += n;
          progress.step(done / KIB - before);
        }
        if (length > 0 && done != length) {
          throw new IOException("connection closed after " + done + " of " + length + " bytes");
        }
      }
      String actual = HexFormat.of().formatHex(digest.digest());
      if (!actual.equalsIgnoreCase(md5)) {
        throw new IOException("MD5 mismatch: got " + actual + ", expected " + md5);
      }
      AtomicFiles.moveIntoPlace(temp, target);
      temp = null;
    } finally {
      AtomicFiles.deleteQuietly(temp);
    }
  }

  /** The MD5 of a file on disk, as lower-case hex. */
  public static String md5(Path file) throws IOException {
    MessageDigest digest = md5Digest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest md5Digest() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has MD5", e);
    }
  }
}
