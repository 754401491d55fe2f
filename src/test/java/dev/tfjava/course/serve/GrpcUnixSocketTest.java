package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.serve.grpc.GrpcChannelArguments;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tensorflow.serving.GetModelStatus;
import tensorflow.serving.Model;
import tensorflow.serving.ModelServiceGrpc;

/**
 * {@code --grpc-socket-path}: TF Serving's gRPC API on a UNIX domain socket beside the TCP port,
 * called by a real grpc-java client over the socket; {@code --grpc-channel-arguments} applied
 * or reported as not applied.
 */
class GrpcUnixSocketTest {
  @TempDir
  Path models;
  @TempDir
  Path sockets;

  @Test
  void servesGrpcOnAUnixSocketAndReportsChannelArgumentsItCannotApply() throws Exception {
    Path socket = sockets.resolve("tf-serving.sock");
    Files.writeString(socket, "stale"); // a socket file left behind is replaced
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    ServingFeatures features = ServingFeatures.defaults().withDoors(new ServingFeatures.Doors(
        Optional.of(socket), GrpcChannelArguments.parse(
            "grpc.max_connection_age_ms=2000,grpc.lb_policy_name=grpclb,grpc.so_reuseaddr=1"),
        Optional.empty()));
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    try (ServingFixture serving = ServingFixture.start(models,
        ServingFixture.settings().withGrpcPort(0), features, log::add)) {
      ManagedChannel channel = NettyChannelBuilder
          .forAddress(new DomainSocketAddress(socket.toFile()))
          .channelType(EpollDomainSocketChannel.class).eventLoopGroup(loops)
          .usePlaintext().build();
      try {
        GetModelStatus.GetModelStatusResponse status = ModelServiceGrpc.newBlockingStub(channel)
            .getModelStatus(GetModelStatus.GetModelStatusRequest.newBuilder()
                .setModelSpec(Model.ModelSpec.newBuilder().setName("lstm")).build());
        assertEquals(1, status.getModelVersionStatus(0).getVersion());
        assertEquals(GetModelStatus.ModelVersionStatus.State.AVAILABLE,
            status.getModelVersionStatus(0).getState());
      } finally {
        channel.shutdownNow();
      }
      assertTrue(serving.server.grpcPort() > 0, "the TCP port serves beside the socket");
      assertTrue(log.stream().anyMatch(line -> line.contains("not applied")
          && line.contains("grpc.lb_policy_name") && !line.contains("max_connection_age")),
          log.toString());
    } finally {
      loops.shutdownGracefully().sync();
    }
  }

  @Test
  void channelArgumentsWithoutAValueAreRefusedByName() {
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
        () -> GrpcChannelArguments.parse("grpc.so_reuseaddr=1,oops"));
    assertTrue(e.getMessage().contains("'oops' is not key=value"), e.getMessage());
    assertFalse(GrpcChannelArguments.parse("a=1,a=2").values().get("a").equals("1"),
        "the last occurrence wins, as in gRPC");
  }
}
