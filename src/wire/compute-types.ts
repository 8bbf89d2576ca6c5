/**
 * Globus Compute request and response bodies, from @globus/sdk's OpenAPI types. Request
 * bodies relax the fields the generator marks required only because they have defaults.
 * Both the deploying client and the local Compute service speak these.
 */
import type { compute } from "@globus/sdk";

type Schemas = compute.OpenAPI.components["schemas"];

/** A task's status as GET /v2/tasks/{id} reports it. */
export type TaskState = "waiting-for-ep" | "running" | "success" | "failed";

export type RegisterFunctionRequestV2 = Omit<Schemas["compute_web_service__schemas__v2__function__RegisterFunctionRequest"], "public"> & { public?: boolean };
export type RegisterFunctionRequestV3 = Omit<Schemas["compute_web_service__schemas__v3__function__RegisterFunctionRequest"], "public"> & { public?: boolean };
export type RegisterFunctionResponse = Schemas["compute_web_service__schemas__v3__function__RegisterFunctionResponse"];
export type FunctionResponse = Schemas["Function"];
export type SubmitRequestV3 = Omit<Schemas["compute_web_service__schemas__v3__tasks__BatchSubmitRequest"], "create_queue"> & { create_queue?: boolean };
export type SubmitResponseV3 = Schemas["compute_web_service__schemas__v3__tasks__BatchSubmitResponse"];
export type SubmitRequestV2 = Omit<Schemas["compute_web_service__schemas__v2__task__BatchSubmitRequest"], "create_websocket_queue"> & { create_websocket_queue?: boolean };
export type SubmitResponseV2 = Schemas["compute_web_service__schemas__v2__task__BatchSubmitResponse"];
export type TaskStatusResponse = Schemas["TaskStatusResponse"] & { status: TaskState; task_group_id: string };
export type BatchStatusRequest = Schemas["BatchStatusRequest"];
export type BatchStatusResponse = Schemas["BatchStatusResponse"];
export type TaskGroupResponse = Schemas["TaskGroupResponse"];
export type EndpointStatusResponse = Schemas["EndpointStatusResponse"];
export type DeleteFunctionResponse = { result: number };
