// DynamoDB Local for the local stack, reachable from this machine only. Compiled and run by
// devstack/dynamodb_local.py; never deployed.
//
// DynamoDB Local has no option for the address it listens on: its Jetty server is built with
// `new Server(port)`, which listens on every interface, so complaints, phone numbers and the audit
// trail would be readable from the network without any credentials. This launcher builds the
// server from the same command line as DynamoDB Local's own ServerRunner, moves its one connector
// to 127.0.0.1 before it starts, and refuses any request a web browser could send: one with an
// `Origin` header (any page's script, since DynamoDB Local answers CORS for every origin by
// default) or one addressed to another host name (a DNS-rebinding page). The AWS SDKs send neither.
// It never configures DynamoDB Local's telemetry, which would otherwise report to AWS.

import java.lang.reflect.Field;

import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public final class LoopbackDynamoDBLocal {
    static final String HOST = "127.0.0.1";

    private LoopbackDynamoDBLocal() {
    }

    public static void main(String[] args) throws Exception {
        DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        Server server = (Server) field.get(proxy);
        Connector[] connectors = server.getConnectors();
        if (connectors.length == 0) {
            fail("DynamoDB Local has no connector to bind");
        }
        for (Connector connector : connectors) {
            if (!(connector instanceof AbstractNetworkConnector network)) {
                fail("DynamoDB Local has a connector this launcher cannot bind: " + connector);
                return;
            }
            network.setHost(HOST);
        }
        server.setHandler(new LocalCallersOnly(server.getHandler()));
        proxy.start();  // prints and stops the server if the port is taken
        if (!server.isStarted()) {
            System.exit(1);
        }
        for (Connector connector : server.getConnectors()) {
            String host = ((AbstractNetworkConnector) connector).getHost();
            if (!HOST.equals(host)) {
                server.stop();
                fail("DynamoDB Local listens on " + host + ", not " + HOST);
            }
        }
        System.out.println("DynamoDB Local listens on " + HOST + " only");
        proxy.join();
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(2);
    }

    /** 403 for whatever a browser could send: a request with an Origin, or for another host name. */
    static final class LocalCallersOnly extends Handler.Wrapper {
        LocalCallersOnly(Handler handler) {
            super(handler);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String host = request.getHttpURI().getHost();
            boolean loopbackName = host == null || host.equals(HOST) || host.equals("localhost");
            if (request.getHeaders().get("Origin") != null || !loopbackName) {
                Response.writeError(request, response, callback, 403,
                    "DynamoDB Local answers programs on this machine only");
                return true;
            }
            return super.handle(request, response, callback);
        }
    }
}
