"""The notebooks' TF1 graphs (Unit 2 MNIST CNN, Unit 3 BasicRNN / LSTM / GRU) in Python TensorFlow,
built as the notebook builds them but from raw ops: TF 2.21 has no tf_keras here, so tf.layers and
tf.nn.rnn_cell are unavailable. Variable names, shapes, layouts and initialisers are TF1's
(tf.layers.conv2d / dense, BasicRNNCell, BasicLSTMCell, GRUCell under tf.nn.dynamic_rnn), and the
optimizer is the notebook's own tf.train.AdamOptimizer, so tf.train.Saver() here is the notebook's.
"""
import numpy as np
import tensorflow as tf

tf1 = tf.compat.v1

N_STEPS = 20
N_NEURONS = 100
T_MIN, T_MAX, RESOLUTION = 0, 30, 0.1

# The notebooks' checkpoint prefixes and this port's model (folder) names.
CHECKPOINT_PREFIX = {"basic_rnn": "my_time_series_model", "lstm": "my_lstm_time_series_model",
                     "gru": "my_gru_time_series_model", "mnist_cnn": "mnist.ckpt"}
MODEL_OF_LESSON = {"rnn": "basic_rnn", "lstm": "lstm", "gru": "gru", "mnist-cnn": "mnist_cnn"}


def time_series(t):
    return t * np.sin(t) / 3 + 2 * np.sin(t * 5)


def test_instance():
    """The notebook's X_new: the series on t_instance[:-1], shape [1, 20, 1]."""
    t_instance = np.linspace(12.2, 12.2 + RESOLUTION * (N_STEPS + 1), N_STEPS + 1)
    return time_series(t_instance[:-1]).reshape(1, N_STEPS, 1).astype(np.float32)


def _dense(x, units, name, activation=None):
    """tf.layers.dense: <name>/kernel (Glorot uniform), <name>/bias (zeros)."""
    with tf1.variable_scope(name):
        kernel = tf1.get_variable("kernel", [int(x.shape[-1]), units],
                                  initializer=tf1.glorot_uniform_initializer())
        bias = tf1.get_variable("bias", [units], initializer=tf1.zeros_initializer())
    y = tf.nn.bias_add(tf.matmul(x, kernel), bias)
    return activation(y) if activation else y


def _cell(kind, x, state):
    """One step of TF1's cell over [x_t, h_{t-1}] with one kernel, input rows first."""
    relu = tf.nn.relu
    if kind == "basic_rnn":
        with tf1.variable_scope("basic_rnn_cell", reuse=tf1.AUTO_REUSE):
            k = tf1.get_variable("kernel", [1 + N_NEURONS, N_NEURONS])
            b = tf1.get_variable("bias", [N_NEURONS], initializer=tf1.zeros_initializer())
        h = relu(tf.nn.bias_add(tf.matmul(tf.concat([x, state], 1), k), b))
        return h, h
    if kind == "lstm":
        c, h = state
        with tf1.variable_scope("basic_lstm_cell", reuse=tf1.AUTO_REUSE):
            k = tf1.get_variable("kernel", [1 + N_NEURONS, 4 * N_NEURONS])
            b = tf1.get_variable("bias", [4 * N_NEURONS], initializer=tf1.zeros_initializer())
        i, j, f, o = tf.split(tf.nn.bias_add(tf.matmul(tf.concat([x, h], 1), k), b), 4, axis=1)
        new_c = c * tf.sigmoid(f + 1.0) + tf.sigmoid(i) * relu(j)  # forget_bias 1.0
        new_h = relu(new_c) * tf.sigmoid(o)
        return new_h, (new_c, new_h)
    with tf1.variable_scope("gru_cell", reuse=tf1.AUTO_REUSE):
        with tf1.variable_scope("gates"):
            gk = tf1.get_variable("kernel", [1 + N_NEURONS, 2 * N_NEURONS])
            gb = tf1.get_variable("bias", [2 * N_NEURONS], initializer=tf1.ones_initializer())
        with tf1.variable_scope("candidate"):
            ck = tf1.get_variable("kernel", [1 + N_NEURONS, N_NEURONS])
            cb = tf1.get_variable("bias", [N_NEURONS], initializer=tf1.zeros_initializer())
    r, u = tf.split(tf.sigmoid(tf.nn.bias_add(tf.matmul(tf.concat([x, state], 1), gk), gb)), 2, 1)
    candidate = relu(tf.nn.bias_add(tf.matmul(tf.concat([x, r * state], 1), ck), cb))
    h = u * state + (1 - u) * candidate
    return h, h


def sequence_graph(kind, learning_rate=0.001):
    """Unit 3 In [7]: Inputs, Cell (dynamic_rnn from the zero state), Outputs, Training, Saver."""
    with tf1.name_scope("Inputs"):
        X = tf1.placeholder(tf.float32, [None, N_STEPS, 1], name="X")
        y = tf1.placeholder(tf.float32, [None, N_STEPS, 1], name="y")
    with tf1.name_scope("Cell"):
        zeros = tf.zeros([tf.shape(X)[0], N_NEURONS])
        state = (zeros, zeros) if kind == "lstm" else zeros
        outs = []
        with tf1.variable_scope("rnn"):
            for t in range(N_STEPS):
                out, state = _cell(kind, X[:, t, :], state)
                outs.append(out)
        rnn_outputs = tf.stack(outs, axis=1)
    with tf1.name_scope("Outputs"):
        stacked = tf.reshape(rnn_outputs, [-1, N_NEURONS])
        outputs = tf.reshape(_dense(stacked, 1, "dense"), [-1, N_STEPS, 1], name="outputs")
    with tf1.name_scope("Training"):
        loss = tf.reduce_mean(tf.square(outputs - y))
        training_op = tf1.train.AdamOptimizer(learning_rate=learning_rate).minimize(loss)
    with tf1.name_scope("Init_and_Saver"):
        init = tf1.global_variables_initializer()
        saver = tf1.train.Saver()
    return dict(X=X, y=y, outputs=outputs, loss=loss, train=training_op, init=init, saver=saver)


def next_batch(rng, batch_size):
    t0 = rng.rand(batch_size, 1) * (T_MAX - T_MIN - N_STEPS * RESOLUTION)
    ts = t0 + np.arange(0., N_STEPS + 1) * RESOLUTION
    ys = time_series(ts)
    return (ys[:, :-1].reshape(-1, N_STEPS, 1).astype(np.float32),
            ys[:, 1:].reshape(-1, N_STEPS, 1).astype(np.float32))


def generate(sess, graph, count):
    """Unit 3 In [11]: from 20 zeros, feed the last 20 values, append the last output."""
    sequence = [0.] * N_STEPS
    for _ in range(count):
        x = np.array(sequence[-N_STEPS:], np.float32).reshape(1, N_STEPS, 1)
        sequence.append(float(sess.run(graph["outputs"], {graph["X"]: x})[0, -1, 0]))
    return np.array(sequence, np.float32)


def cnn_graph():
    """Unit 2 In [25], dropout applied as the port applies it (keep_prob defaults to 1.0)."""
    with tf1.name_scope("Inputs"):
        X = tf1.placeholder(tf.float32, shape=(None, 784), name="X")
        X_reshaped = tf.reshape(X, shape=[-1, 28, 28, 1])
        y = tf1.placeholder(tf.float32, shape=(None, 10), name="y")
        keep_prob = tf1.placeholder_with_default(1.0, shape=(), name="keep_prob")
    with tf1.name_scope("Conv1"):
        with tf1.variable_scope("conv1"):
            kernel = tf1.get_variable("kernel", [3, 3, 1, 32],
                                      initializer=tf1.glorot_uniform_initializer())
            bias = tf1.get_variable("bias", [32], initializer=tf1.zeros_initializer())
        conv1 = tf.nn.relu(tf.nn.bias_add(
            tf.nn.conv2d(X_reshaped, kernel, [1, 1, 1, 1], "SAME"), bias))
    with tf1.name_scope("pool2"):
        pool2 = tf.nn.max_pool2d(conv1, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="VALID")
        pool2_flat = tf.reshape(pool2, shape=[-1, 32 * 14 * 14])
    with tf1.name_scope("fc1"):
        fc1 = _dense(pool2_flat, 64, "fc1", tf.nn.relu)
    with tf1.name_scope("dropout"):
        fc11 = tf.nn.dropout(fc1, rate=1 - keep_prob)
    with tf1.name_scope("output"):
        logits = _dense(fc11, 10, "output")
        Y_prob = tf.nn.softmax(logits, name="Y_prob")
    with tf1.name_scope("train"):
        xentropy = tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=y)
        loss = tf.reduce_mean(xentropy, name="loss")
        training_op = tf1.train.AdamOptimizer().minimize(loss)
    with tf1.name_scope("init_and_save"):
        init_op = tf1.global_variables_initializer()
        saver = tf1.train.Saver()
    return dict(X=X, y=y, keep_prob=keep_prob, Y_prob=Y_prob, loss=loss, train=training_op,
                init=init_op, saver=saver)
